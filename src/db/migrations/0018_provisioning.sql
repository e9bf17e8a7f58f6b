-- Provisioning without demo data (docs/accounts.md): imports link records to
-- logins and queue invitations. Tokens: {{INT}} 64-bit integer.

-- The stagebegeleider's address from the students import, kept for the
-- begeleider's pages to come; nothing else reads it yet.
ALTER TABLE students ADD COLUMN begeleider_email TEXT;

-- The latest invitation of a user (a re-invite revokes the earlier link).
CREATE INDEX invitations_user ON invitations(user_id);
