namespace Segment.Functions.PostgreSql.Schema;

/// <summary>
/// The numbered migrations, in order. A migration, once released, is never edited: a change to the
/// schema is a new entry at the end (instances running the old version keep working on the old tables
/// while the new one migrates under the advisory lock).
/// </summary>
internal static class Migrations
{
    /// <summary>The migrations for one schema: (version, SQL), versions ascending from 1.</summary>
    public static IReadOnlyList<(int Version, string Sql)> For(SchemaNames names) =>
    [
        (1, $"""
            -- One row per (event, destination) still to be delivered. due_at is when the next attempt may start:
            -- now for new rows, the retry time after a retryable failure, and the lease's expiry while an
            -- instance holds it (so a claim needs one condition, due_at <= now, and a crashed instance's
            -- rows become claimable exactly when their leases expire).
            CREATE TABLE {names.Deliveries} (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                destination text NOT NULL CHECK (char_length(destination) BETWEEN 1 AND 1000),
                message_id text NOT NULL,
                event_type text NOT NULL,
                body bytea NOT NULL,
                accepted_at timestamptz NOT NULL,
                first_attempt_at timestamptz NULL,
                attempts integer NOT NULL DEFAULT 0,
                due_at timestamptz NOT NULL,
                lease_owner text NULL
            );
            -- Claims walk this index: one destination, oldest due first, and stop after the batch.
            CREATE INDEX deliveries_claim ON {names.Deliveries} (destination, due_at, id);

            -- Delivery records: the Retrying records of a delivery and its one terminal record.
            CREATE TABLE {names.Records} (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_id bigint NOT NULL,
                destination text NOT NULL,
                message_id text NOT NULL,
                event_type text NOT NULL,
                state text NOT NULL CHECK (state IN ('Retrying', 'Delivered', 'Discarded', 'Expired')),
                reason text NOT NULL,
                attempts integer NOT NULL,
                first_attempt_at timestamptz NOT NULL,
                last_attempt_at timestamptz NOT NULL,
                next_attempt_at timestamptz NULL,
                error_type text NULL,
                error_message text NULL,
                logs text NOT NULL DEFAULT '',
                http_traces jsonb NOT NULL DEFAULT '[]',
                omitted_http_traces integer NOT NULL DEFAULT 0,
                event_json text NOT NULL DEFAULT ''
            );
            -- Exactly one terminal record per delivery, whatever races between instances.
            CREATE UNIQUE INDEX records_one_terminal ON {names.Records} (delivery_id) WHERE state <> 'Retrying';
            -- Newest first per destination (the Event Delivery list, paged by delivery id).
            CREATE INDEX records_recent ON {names.Records} (destination, delivery_id DESC, id DESC);
            -- Filters by state and reason, and counts.
            CREATE INDEX records_state ON {names.Records} (destination, state, reason, delivery_id DESC);
            CREATE INDEX records_message_id ON {names.Records} (message_id);
            -- Retention deletes the oldest first.
            CREATE INDEX records_retention ON {names.Records} (last_attempt_at);
            """),
        (2, $"""
            -- When the event was accepted (DeliveryRecord.AcceptedAt); null for records written before this version.
            ALTER TABLE {names.Records} ADD COLUMN accepted_at timestamptz NULL;
            """),
    ];
}
