-- The school as controller, for its privacy page (src/auth/school_privacy.h,
-- the page in src/app/privacy_page_routes.cc).
-- Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.

-- How to reach the school about personal data, and its data protection
-- officer (functionaris gegevensbescherming). One row per school, set by the
-- school admin; a school without a row shows "not filled in yet".
CREATE TABLE school_privacy (
  school_id       TEXT PRIMARY KEY REFERENCES schools(id),
  address         TEXT NOT NULL,
  email           TEXT NOT NULL,
  phone           TEXT NOT NULL,
  dpo_name        TEXT NOT NULL,
  dpo_email       TEXT NOT NULL,
  updated_at      {{INT}} NOT NULL,
  updated_by      TEXT
){{STRICT}};
