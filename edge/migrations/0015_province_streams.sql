-- The province streams (issue 13): a border resident's crossings are records too, in the
-- resident's own stream. Every record's stream is now `stream_key` (`trip:<id>` or
-- `resident:<id>`, shared::province::record::RecordSubject::stream_key) with its place
-- `stream_seq`, assigned at insert by edge/src/outbox.rs; `trip_seq` is no longer written (the
-- trip's rows keep `trip_id` for the trip's own reads).
ALTER TABLE edge_outbox ADD COLUMN stream_key TEXT;
ALTER TABLE edge_outbox ADD COLUMN stream_seq INTEGER;

UPDATE edge_outbox SET stream_key = 'trip:' || trip_id, stream_seq = trip_seq
 WHERE trip_id IS NOT NULL;

CREATE UNIQUE INDEX edge_outbox_stream_seq ON edge_outbox (stream_key, stream_seq)
  WHERE stream_key IS NOT NULL;
DROP INDEX edge_outbox_province_pending;
DROP INDEX edge_outbox_province_parked;
-- What the pusher reads: records not yet acknowledged, in outbox order.
CREATE INDEX edge_outbox_province_pending ON edge_outbox (id)
  WHERE sent_at_ms IS NULL AND stream_key IS NOT NULL;
CREATE INDEX edge_outbox_province_parked ON edge_outbox (stream_key)
  WHERE province_parked_at_ms IS NOT NULL;
