-- Login domains per school: a school admin creates logins only in the domains
-- listed for their school (auth/accounts.h), so login names are per school and
-- one school's admin can neither create nor probe another school's logins.
-- A domain belongs to one school. Tokens: {{STRICT}} SQLite STRICT.

CREATE TABLE school_login_domains (
  domain     TEXT PRIMARY KEY,   -- lower case, e.g. "99dm.demo"
  school_id  TEXT NOT NULL REFERENCES schools(id) ON DELETE CASCADE
){{STRICT}};
CREATE INDEX school_login_domains_school ON school_login_domains(school_id);
