namespace ChargeLedger.Protocol.Ocpp;

public enum OcppTopicKind
{
    /// <summary>CALLs from the charge point (<c>{mount}cp/{cid}</c>).</summary>
    Upstream,

    /// <summary>CALLRESULT/CALLERROR from the charge point (<c>{mount}cp/{cid}/Reply</c>).</summary>
    Reply,

    /// <summary>Frames to the charge point (<c>{mount}cs/{cid}</c>).</summary>
    Downstream,
}

/// <summary>
/// The EMQX OCPP gateway's topic layout. Templates use <c>${cid}</c> (or <c>${clientid}</c>) exactly once and are
/// prefixed with the mount point, as the gateway does. Defaults are EMQX 5's.
/// </summary>
public sealed record OcppTopics
{
    public string MountPoint { get; init; } = "ocpp/";

    public string UpstreamTemplate { get; init; } = "cp/${cid}";

    public string ReplyTemplate { get; init; } = "cp/${cid}/Reply";

    public string DownstreamTemplate { get; init; } = "cs/${cid}";

    public static OcppTopics Default { get; } = new();

    public string Upstream(string chargePointId) => Fill(UpstreamTemplate, chargePointId);

    public string Reply(string chargePointId) => Fill(ReplyTemplate, chargePointId);

    public string Downstream(string chargePointId) => Fill(DownstreamTemplate, chargePointId);

    /// <summary>Subscription filter for one kind across all charge points (<c>${cid}</c> becomes <c>+</c>).</summary>
    public string Filter(OcppTopicKind kind) => Fill(Template(kind), "+");

    /// <summary>Recognises a topic of this layout and extracts the charge point id.</summary>
    public bool TryMatch(string topic, out OcppTopicKind kind, out string chargePointId)
    {
        ArgumentNullException.ThrowIfNull(topic);
        foreach (var candidate in (ReadOnlySpan<OcppTopicKind>)[OcppTopicKind.Reply, OcppTopicKind.Upstream, OcppTopicKind.Downstream])
        {
            var (prefix, suffix) = Split(MountPoint + Normalize(Template(candidate)));
            if (topic.Length > prefix.Length + suffix.Length &&
                topic.StartsWith(prefix, StringComparison.Ordinal) &&
                topic.EndsWith(suffix, StringComparison.Ordinal))
            {
                var id = topic[prefix.Length..^suffix.Length];
                if (!id.Contains('/', StringComparison.Ordinal))
                {
                    kind = candidate;
                    chargePointId = id;
                    return true;
                }
            }
        }
        kind = default;
        chargePointId = string.Empty;
        return false;
    }

    private string Template(OcppTopicKind kind) => kind switch
    {
        OcppTopicKind.Upstream => UpstreamTemplate,
        OcppTopicKind.Reply => ReplyTemplate,
        _ => DownstreamTemplate,
    };

    private string Fill(string template, string chargePointId)
    {
        if (chargePointId.Length == 0 || chargePointId.AsSpan().IndexOfAny("/#") >= 0 || (chargePointId.Contains('+', StringComparison.Ordinal) && chargePointId != "+"))
        {
            throw new ArgumentException($"'{chargePointId}' cannot be a charge point id in a topic (empty, or contains /, + or #).", nameof(chargePointId));
        }
        var (prefix, suffix) = Split(MountPoint + Normalize(template));
        return prefix + chargePointId + suffix;
    }

    private static string Normalize(string template) => template.Replace("${clientid}", "${cid}", StringComparison.Ordinal);

    private static (string Prefix, string Suffix) Split(string template)
    {
        var at = template.IndexOf("${cid}", StringComparison.Ordinal);
        if (at < 0 || template.IndexOf("${cid}", at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"Topic template '{template}' must contain ${{cid}} exactly once.");
        }
        return (template[..at], template[(at + "${cid}".Length)..]);
    }
}
