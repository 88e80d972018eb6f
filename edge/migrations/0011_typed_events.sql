-- Typed domain events (shared::event): each new edge_outbox row is one recorded event.
-- `topic` is the event's type (`trip.accepted`, `booking.made`, …), `payload` its JSON
-- (`{"id", "v", "at_ms", "type", ...}`). The event id is unique: a yard's object copying its
-- events again after a failure or restart cannot add one twice.
ALTER TABLE edge_outbox ADD COLUMN event_id TEXT;
ALTER TABLE edge_outbox ADD COLUMN version INTEGER;
ALTER TABLE edge_outbox ADD COLUMN trip_id TEXT;
CREATE UNIQUE INDEX edge_outbox_event ON edge_outbox (event_id);
CREATE INDEX edge_outbox_by_trip ON edge_outbox (trip_id, id);
