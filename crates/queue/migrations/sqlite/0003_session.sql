-- Lifeline queue server, SQLite schema v3: the live session's chat.

-- Chat messages are case events of kind 'message'; their sender-given id makes
-- a message re-sent after a reconnect land once.
CREATE UNIQUE INDEX case_events_message_id ON case_events (case_id, json_extract(data, '$.id'))
    WHERE kind = 'message';
