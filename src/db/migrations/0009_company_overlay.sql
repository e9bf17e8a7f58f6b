-- A company as one school sees it: the register's facts, with the school's
-- own knowledge laid over them. Tokens: {{INT}} 64-bit integer, {{REAL}}
-- double, {{STRICT}} SQLite STRICT.
--
-- companies is the company's shared identity (id, leerbedrijf_id) and the
-- register facts (name, kvk, address, postcode, city, lat, lon, sector,
-- sbb_recognised). Only the deployment's trusted register import writes the
-- facts (`stagepunt register import`, the system admin's /admin/register); a
-- company that is not in the register has an empty name. A school's own
-- companies import writes only its overlay below (and its company_crebos), so
-- no school can change what another school sees.

-- The school's overlay: NULL means "the school says nothing, the register
-- fact holds". sbb_withdrawn = 1: the school knows the SBB recognition was
-- withdrawn (the company is excluded at this school even if the register
-- still says recognised; the school can never un-withdraw the register).
ALTER TABLE school_companies ADD COLUMN name TEXT;
ALTER TABLE school_companies ADD COLUMN kvk TEXT;
ALTER TABLE school_companies ADD COLUMN address TEXT;
ALTER TABLE school_companies ADD COLUMN postcode TEXT;
ALTER TABLE school_companies ADD COLUMN city TEXT;
ALTER TABLE school_companies ADD COLUMN lat {{REAL}};
ALTER TABLE school_companies ADD COLUMN lon {{REAL}};
ALTER TABLE school_companies ADD COLUMN sbb_withdrawn {{INT}} NOT NULL DEFAULT 0;

-- Until now every school's import wrote the shared row, so its values came
-- from school imports (the last one won). Every school that has the company
-- keeps seeing exactly what it saw: the values move into each linked school's
-- overlay (an empty optional field means "not set").
UPDATE school_companies SET
  name = (SELECT co.name FROM companies co WHERE co.id = school_companies.company_id),
  kvk = (SELECT NULLIF(co.kvk, '') FROM companies co WHERE co.id = school_companies.company_id),
  address = (SELECT NULLIF(co.address, '') FROM companies co
             WHERE co.id = school_companies.company_id),
  postcode = (SELECT NULLIF(co.postcode, '') FROM companies co
              WHERE co.id = school_companies.company_id),
  city = (SELECT NULLIF(co.city, '') FROM companies co WHERE co.id = school_companies.company_id),
  lat = (SELECT co.lat FROM companies co WHERE co.id = school_companies.company_id),
  lon = (SELECT co.lon FROM companies co WHERE co.id = school_companies.company_id),
  sbb_withdrawn = (SELECT CASE WHEN co.sbb_recognised = 0 THEN 1 ELSE 0 END FROM companies co
                   WHERE co.id = school_companies.company_id);

-- The register keeps nothing a school wrote: a company linked to a school is
-- "not in the register" (empty facts, recognised) until the system admin's
-- first register import. A withdrawal one school imported therefore no longer
-- excludes the company anywhere else (each school keeps its own copy above).
-- Kept: sector (no school import ever wrote it), and the facts of companies
-- no school links to (no overlay could carry them).
UPDATE companies SET name = '', kvk = '', address = '', postcode = '', city = '', lat = NULL,
  lon = NULL, sbb_recognised = 1
  WHERE EXISTS (SELECT 1 FROM school_companies sc WHERE sc.company_id = companies.id);

-- The one rule for every reader: the school's overlay value if set, else the
-- register fact; withdrawn if the register or the school says so. Readers
-- join it as "co" on (co.id, co.school_id) instead of companies.
CREATE VIEW school_company_view AS
SELECT sc.school_id AS school_id,
       co.id AS id,
       co.leerbedrijf_id AS leerbedrijf_id,
       COALESCE(sc.kvk, co.kvk) AS kvk,
       COALESCE(sc.name, co.name) AS name,
       COALESCE(sc.address, co.address) AS address,
       COALESCE(sc.postcode, co.postcode) AS postcode,
       COALESCE(sc.city, co.city) AS city,
       CASE WHEN sc.lat IS NOT NULL AND sc.lon IS NOT NULL THEN sc.lat ELSE co.lat END AS lat,
       CASE WHEN sc.lat IS NOT NULL AND sc.lon IS NOT NULL THEN sc.lon ELSE co.lon END AS lon,
       co.sector AS sector,
       CASE WHEN co.sbb_recognised = 0 OR sc.sbb_withdrawn <> 0 THEN 0 ELSE 1 END
         AS sbb_recognised
FROM school_companies sc JOIN companies co ON co.id = sc.company_id;
