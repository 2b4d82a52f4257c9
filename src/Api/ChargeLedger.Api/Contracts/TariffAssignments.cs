using NodaTime;

namespace ChargeLedger.Api.Contracts;

/// <summary>Sessions at the charge point starting at or after <see cref="ValidFrom"/> are priced with <see cref="TariffId"/>.</summary>
public sealed record AssignTariffRequest(string? TariffId, string? ValidFrom);

public sealed record TariffAssignmentView(string ChargePointId, string TariffId, Instant ValidFrom, string? AssignedBy, Instant AssignedAt);

/// <summary>A charge point's assignments in the order made; <see cref="Created"/> says whether this request added one.</summary>
public sealed record TariffAssignmentsView(string ChargePointId, IReadOnlyList<TariffAssignmentView> Assignments, bool? Created = null);
