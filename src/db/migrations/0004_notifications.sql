-- Notifications (src/notify/) and the deadline alerts that raise them (P12).
-- Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.

CREATE TABLE notifications (
  id          TEXT PRIMARY KEY,
  school_id   TEXT NOT NULL REFERENCES schools(id),
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,                       -- catalogue key notify_<kind>
  subject     TEXT NOT NULL,                       -- a case number or name, never content
  link        TEXT NOT NULL,
  object_id   TEXT NOT NULL,
  created_at  {{INT}} NOT NULL,
  read_at     {{INT}},
  UNIQUE (user_id, kind, object_id)
){{STRICT}};
CREATE INDEX notifications_unread ON notifications(user_id, read_at, created_at);
CREATE INDEX notifications_object ON notifications(object_id);

-- Which deadline alerts a case has raised, so each fires once (and an
-- escalation is logged once) however often the job runs, on any instance.
CREATE TABLE case_alerts (
  case_id     TEXT NOT NULL REFERENCES cases(id),
  kind        TEXT NOT NULL,
  raised_at   {{INT}} NOT NULL,
  PRIMARY KEY (case_id, kind)
){{STRICT}};
