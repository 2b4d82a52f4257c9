namespace ChargeLedger.Domain.ChargePoints;

public enum RemoteCommandStatus
{
    Requested,
    Sent,
    Replied,
    Failed,
    TimedOut,
}

public sealed record RemoteCommandState(string CommandId, string UniqueId, RemoteAction Action, RemoteCommandStatus Status)
{
    public bool IsAnswered => Status is RemoteCommandStatus.Replied or RemoteCommandStatus.Failed or RemoteCommandStatus.TimedOut;
}
