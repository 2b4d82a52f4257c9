namespace ChargeLedger.Ingest.Ocpp;

public enum TopicKind
{
    /// <summary><c>{mount}cp/{cid}</c>: the charge point's CALLs.</summary>
    Request,

    /// <summary><c>{mount}cp/{cid}/Reply</c>: the charge point's answers to our CALLs.</summary>
    Reply,

    /// <summary><c>{notice}brokers/{node}/gateway/ocpp/clients/{cid}/connected</c>.</summary>
    Connected,

    /// <summary><c>{notice}brokers/{node}/gateway/ocpp/clients/{cid}/disconnected</c>.</summary>
    Disconnected,

    Unknown,
}

/// <summary>The EMQX OCPP gateway topic layout under a mount point and a notice prefix.</summary>
public sealed class TopicLayout(string mountPoint, string noticePrefix)
{
    private const string NoticeMiddle = "brokers/+/gateway/ocpp/clients/+/";

    public string MountPoint { get; } = mountPoint;

    public string NoticePrefix { get; } = noticePrefix;

    public string RequestFilter => MountPoint + "cp/+";

    public string ReplyFilter => MountPoint + "cp/+/Reply";

    public string ConnectedFilter => NoticePrefix + NoticeMiddle + "connected";

    public string DisconnectedFilter => NoticePrefix + NoticeMiddle + "disconnected";

    /// <summary>Where our CALLRESULT/CALLERROR/CALL for a charge point goes.</summary>
    public string Downstream(string chargePointId) => MountPoint + "cs/" + chargePointId;

    public string Upstream(string chargePointId) => MountPoint + "cp/" + chargePointId;

    public string UpstreamReply(string chargePointId) => MountPoint + "cp/" + chargePointId + "/Reply";

    public string Notice(string chargePointId, bool connected, string node = "local") =>
        $"{NoticePrefix}brokers/{node}/gateway/ocpp/clients/{chargePointId}/{(connected ? "connected" : "disconnected")}";

    public (TopicKind Kind, string? ChargePointId) Classify(string topic)
    {
        if (topic.StartsWith(MountPoint, StringComparison.Ordinal) && topic.AsSpan(MountPoint.Length).StartsWith("cp/", StringComparison.Ordinal))
        {
            var rest = topic[(MountPoint.Length + 3)..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                return rest.Length > 0 ? (TopicKind.Request, rest) : (TopicKind.Unknown, null);
            }

            if (slash > 0 && rest.AsSpan(slash) is "/Reply")
            {
                return (TopicKind.Reply, rest[..slash]);
            }

            return (TopicKind.Unknown, rest[..slash].Length > 0 ? rest[..slash] : null);
        }

        if (topic.StartsWith(NoticePrefix, StringComparison.Ordinal))
        {
            // brokers/{node}/gateway/ocpp/clients/{cid}/{connected|disconnected}
            var parts = topic[NoticePrefix.Length..].Split('/');
            if (parts.Length == 7 && parts[0] == "brokers" && parts[2] == "gateway" && parts[3] == "ocpp" && parts[4] == "clients" && parts[5].Length > 0)
            {
                return parts[6] switch
                {
                    "connected" => (TopicKind.Connected, parts[5]),
                    "disconnected" => (TopicKind.Disconnected, parts[5]),
                    _ => (TopicKind.Unknown, parts[5]),
                };
            }
        }

        return (TopicKind.Unknown, null);
    }
}
