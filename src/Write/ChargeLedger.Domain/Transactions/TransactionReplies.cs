using ChargeLedger.Domain.Shared;

namespace ChargeLedger.Domain.Transactions;

public sealed record StartTransactionReply(int TransactionId, IdTagInfo IdTagInfo);

/// <summary>StopTransaction.conf; <see cref="IdTagInfo"/> is present only when the stop named an idTag of a known transaction.</summary>
public sealed record StopTransactionReply(IdTagInfo? IdTagInfo);
