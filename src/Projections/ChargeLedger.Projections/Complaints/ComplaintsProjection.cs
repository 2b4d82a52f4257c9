using System.Collections.Frozen;
using System.Text;
using ChargeLedger.Domain.Complaints;
using ChargeLedger.EventStore;
using ChargeLedger.Projections.DomainEvents;
using ChargeLedger.Read.Complaints;

namespace ChargeLedger.Projections.Complaints;

/// <summary>
/// Complaints for support: one row per complaint (subject, window, status, latest resolution), its notes and evidence,
/// and every complaint event as history. Refunds are booked by the billing ledger, not here.
/// </summary>
public sealed class ComplaintsProjection : IProjection
{
    private static readonly FrozenSet<string> Handled = DecodedEvent.TypeNamesWhere(typeof(IComplaintEvent).IsAssignableFrom);

    public string Name => ComplaintsTables.ProjectionName;

    public int Version => 1;

    /// <summary>Reads nothing of an event's metadata.</summary>
    public bool ReadsMetadata => false;

    public string CreateTablesSql(string schema) => $"""
        CREATE TABLE {schema}.{ComplaintsTables.Complaints} (
            complaint_id    text        PRIMARY KEY,
            subject_kind    text        NOT NULL,
            subject_id      text        NOT NULL,
            window_start    timestamptz NOT NULL,
            window_end      timestamptz NOT NULL,
            description     text        NOT NULL,
            opened_by       text        NOT NULL,
            opened_at       timestamptz NOT NULL,
            status          text        NOT NULL,
            resolution_id   text,
            outcome         text,
            summary         text,
            refund_amount   numeric,
            refund_currency text,
            resolved_by     text,
            resolved_at     timestamptz,
            last_position   bigint      NOT NULL);  -- the last opening, resolution or reopening
        CREATE INDEX ON {schema}.{ComplaintsTables.Complaints} (subject_kind, subject_id);
        CREATE TABLE {schema}.{ComplaintsTables.Notes} (
            position     bigint      PRIMARY KEY,
            complaint_id text        NOT NULL,
            note_id      text        NOT NULL,
            text         text        NOT NULL,
            author       text        NOT NULL,
            added_at     timestamptz NOT NULL);
        CREATE INDEX ON {schema}.{ComplaintsTables.Notes} (complaint_id);
        CREATE TABLE {schema}.{ComplaintsTables.Evidence} (
            position        bigint      PRIMARY KEY,
            complaint_id    text        NOT NULL,
            evidence_id     text        NOT NULL,
            stream_id       text        NOT NULL,
            stream_version  bigint,
            global_position bigint,
            description     text,
            attached_by     text        NOT NULL,
            attached_at     timestamptz NOT NULL);
        CREATE INDEX ON {schema}.{ComplaintsTables.Evidence} (complaint_id);
        CREATE TABLE {schema}.{ComplaintsTables.History} (
            position     bigint      PRIMARY KEY,
            complaint_id text        NOT NULL,
            type         text        NOT NULL,
            recorded_at  timestamptz NOT NULL,
            data         jsonb       NOT NULL);
        CREATE INDEX ON {schema}.{ComplaintsTables.History} (complaint_id, position);
        """;

    public string ComparisonSql(string schema) => $"""
        SELECT complaint_id AS key,
               concat_ws(' ', status, subject_kind, subject_id, resolution_id, outcome, refund_amount, refund_currency, last_position,
                         (SELECT count(*) FROM {schema}.{ComplaintsTables.Notes} n WHERE n.complaint_id = c.complaint_id),
                         (SELECT count(*) FROM {schema}.{ComplaintsTables.Evidence} e WHERE e.complaint_id = c.complaint_id)) AS value
        FROM {schema}.{ComplaintsTables.Complaints} c
        """;

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        var events = DecodedEvent.Decode(batch, Handled).ToList();
        if (events.Count == 0)
        {
            return;
        }
        await InsertHistoryAsync(context, events, cancellationToken).ConfigureAwait(false);
        // Statements run in commit order so an opening precedes the updates of the same batch.
        foreach (var (recorded, domainEvent) in events)
        {
            await using var command = Statement(context, recorded, domainEvent);
            if (command is not null)
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task InsertHistoryAsync(ProjectionContext context, List<DecodedEvent> events, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"""
            INSERT INTO {context.Table(ComplaintsTables.History)} (position, complaint_id, type, recorded_at, data)
            SELECT p, c, t, r, d::jsonb FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS u(p, c, t, r, d)
            """)
            .Longs(events, e => e.Recorded.Position).Texts(events, e => ((IComplaintEvent)e.Event).ComplaintId).Texts(events, e => e.Recorded.Type)
            .Times(events, e => e.Recorded.RecordedAt).Texts(events, e => Encoding.UTF8.GetString(e.Recorded.Data.Span));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Npgsql.NpgsqlCommand? Statement(ProjectionContext context, RecordedEvent recorded, object domainEvent)
    {
        var complaints = context.Table(ComplaintsTables.Complaints);
        switch (domainEvent)
        {
            case ComplaintOpened e:
                return With(context.CreateCommand($"""
                    INSERT INTO {complaints} (complaint_id, subject_kind, subject_id, window_start, window_end, description, opened_by, opened_at, status, last_position)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'Open', $9) ON CONFLICT (complaint_id) DO NOTHING
                    """), e.ComplaintId, e.SubjectKind.ToString(), e.SubjectId, e.WindowStart.ToDateTimeUtc(), e.WindowEnd.ToDateTimeUtc(), e.Description,
                    e.OpenedBy, e.ReceivedAt.ToDateTimeUtc(), recorded.Position);
            case ComplaintNoteAdded e:
                return With(context.CreateCommand($"""
                    INSERT INTO {context.Table(ComplaintsTables.Notes)} (position, complaint_id, note_id, text, author, added_at) VALUES ($1, $2, $3, $4, $5, $6)
                    """), recorded.Position, e.ComplaintId, e.NoteId, e.Text, e.Author, e.ReceivedAt.ToDateTimeUtc());
            case ComplaintEvidenceAttached e:
                return With(context.CreateCommand($"""
                    INSERT INTO {context.Table(ComplaintsTables.Evidence)}
                        (position, complaint_id, evidence_id, stream_id, stream_version, global_position, description, attached_by, attached_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """), recorded.Position, e.ComplaintId, e.EvidenceId, e.StreamId, e.StreamVersion, e.GlobalPosition, e.Description, e.AttachedBy, e.ReceivedAt.ToDateTimeUtc());
            case ComplaintResolved e:
                return With(context.CreateCommand($"""
                    UPDATE {complaints} SET status = 'Resolved', resolution_id = $2, outcome = $3, summary = $4, refund_amount = $5, refund_currency = $6,
                        resolved_by = $7, resolved_at = $8, last_position = $9
                    WHERE complaint_id = $1
                    """), e.ComplaintId, e.ResolutionId, e.Outcome.ToString(), e.Summary, e.RefundAmount, e.RefundCurrency, e.ResolvedBy, e.ReceivedAt.ToDateTimeUtc(), recorded.Position);
            case ComplaintReopened e:
                return With(context.CreateCommand($"UPDATE {complaints} SET status = 'Open', last_position = $2 WHERE complaint_id = $1"), e.ComplaintId, recorded.Position);
            default:
                return null;
        }
    }

    private static Npgsql.NpgsqlCommand With(Npgsql.NpgsqlCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }
}
