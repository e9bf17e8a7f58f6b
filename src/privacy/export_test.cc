// The download holds every row about the person and nothing about anyone
// else, on both databases: two students and two company contacts at two
// schools, each with rows in every table the retention catalogue links to a
// person (and the rows hanging on those), every value marked with the
// person's canary. A table added to the catalogue with a subject column
// fails here until the seed below fills it.
#include "privacy/export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "db/backend_test.h"
#include "privacy/erase.h"
#include "privacy/requests.h"

namespace privacy {
namespace {

using common::Status;

struct Who {
  std::string letter;  // a, b, c, d
  std::string school;  // s1, s2
  bool student;
  std::string Id(const std::string& what) const { return what + "-canary-" + letter; }
  std::string Secret(const std::string& what) const {
    return "secret-canary-" + letter + "-" + what;
  }
  std::string user() const { return Id("user"); }
  std::string student_id() const { return student ? Id("student") : ""; }
};

const Who kA{"a", "s1", true}, kB{"b", "s2", true}, kC{"c", "s1", false}, kD{"d", "s2", false};

class ExportTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    Status s = db().Write([&](db::Connection& c) -> Status {
      for (const char* school : {"s1", "s2"}) SP_RETURN_IF_ERROR(SeedSchool(c, school));
      int n = 0;
      for (const Who& w : {kA, kB, kC, kD}) SP_RETURN_IF_ERROR(SeedPerson(c, w, ++n));
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  static Status Exec(db::Connection& c, std::string_view sql, const db::Params& p) {
    return c.Execute(sql, p).status();
  }

  // What a school has that is no one's: a company, a place, a round, a case.
  static Status SeedSchool(db::Connection& c, const std::string& s) {
    SP_RETURN_IF_ERROR(
        Exec(c, "INSERT INTO schools(id, brin, name, created_at) VALUES ($1, $2, $1, 0)",
             {s, s == "s1" ? "99XA" : "98XA"}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO companies(id, leerbedrijf_id, name, created_at) VALUES "
                            "($1, $1, 'Bedrijf', 0)",
                            {"co-" + s}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO leerplaatsen(id, school_id, company_id, crebo, period, "
                            "capacity, created_at, updated_at) VALUES ($1, $2, $3, '25480', "
                            "'2026-1', 2, 0, 0)",
                            {"lp-" + s, s, "co-" + s}));
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO rounds(id, school_id, name, cohort, period, crebos, status, "
             "leerwens_deadline, start_date, end_date, hours, publish_lead_days, seed, "
             "created_by, created_at) VALUES ($1, $2, 'R', '2026', '2026-1', '25480', "
             "'open', '2026-01-01', '2026-02-01', '2026-06-01', 400, 5, 1, 'x', 0)",
             {"round-" + s, s}));
    return Exec(
        c,
        "INSERT INTO cases(id, school_id, case_number, mode, channel, phase, grounds, wishes, "
        "consents, status, received_at, first_contact_due, feedback_due, content_sha256) "
        "VALUES ($1, $2, 'M-1', 'anonymous', 'web', 'bpv', 'race', '', '', 'new', 0, "
        "'2026-01-01', '2026-02-01', 'x')",
        {"case-" + s, s});
  }

  static Status SeedPerson(db::Connection& c, const Who& w, int n) {
    const std::string s = w.school, u = w.user(), l = "canary-" + w.letter;
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO users(id, school_id, login, display_name, role, "
             "password_hash, totp_secret, created_at, email) VALUES ($1, $2, $3, "
             "$4, $5, $6, $7, 0, $8)",
             {u, s, l + "@" + s + ".test", "Naam " + l, w.student ? "student" : "company_contact",
              w.Secret("hash"), w.Secret("totp"), l + "@mail.test"}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO sessions(id_hash, user_id, csrf_token, created_at, "
                            "last_seen_at, expires_at) VALUES ($1, $2, $3, 1, 1, 2)",
                            {w.Secret("session"), u, w.Secret("csrf")}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO sso_sessions(session_hash, school_id, id_token) VALUES "
                            "($1, $2, $3)",
                            {w.Secret("session"), s, w.Secret("idtoken")}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO key_sessions(id_hash, user_id, box, expires_at) VALUES "
                            "($1, $2, $3, 2)",
                            {w.Secret("ks"), u, db::Blob{w.Secret("box")}}));
    for (const char* t : {"invitations", "password_resets", "api_tokens"}) {
      SP_RETURN_IF_ERROR(
          Exec(c,
               std::string("INSERT INTO ") + t +
                   "(token_hash, user_id, created_at, expires_at) VALUES ($1, $2, 1, 2)",
               {w.Secret(t), u}));
    }
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO user_keys(user_id, public_key, password_wrapped, "
                            "recovery_sealed, created_at) VALUES ($1, $2, $3, $4, 0)",
                            {u, db::Blob{w.Secret("pk")}, db::Blob{w.Secret("wrapped")},
                             db::Blob{w.Secret("sealed")}}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO user_identities(issuer, subject, user_id, school_id, "
                            "created_at) VALUES ('https://idp.test', $1, $2, $3, 0)",
                            {w.Id("sub"), u, s}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO audit_log(seq, at, school_id, actor, action, object_type, "
                            "object_id, result, prev_hash, hash) VALUES ($1, 0, $2, $3, 'login', "
                            "'user', $3, 'ok', '', '')",
                            {n, s, u}));
    SP_RETURN_IF_ERROR(
        Create(c, s, u, RequestKind::kCorrection, "Mijn naam is " + l, 1000).status());
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO mail_outbox(id, school_id, user_id, kind, to_address, "
                            "subject, body, next_attempt_at, created_at) VALUES ($1, $2, $3, "
                            "'invitation', $4, 'Uitnodiging', $5, 0, 0)",
                            {w.Id("mail"), s, u, l + "@mail.test", w.Secret("mailbody")}));
    SP_RETURN_IF_ERROR(
        Exec(c, "INSERT INTO mail_opt_outs(user_id, kind) VALUES ($1, 'new_case')", {u}));
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO notifications(id, school_id, user_id, kind, subject, link, "
             "object_id, created_at) VALUES ($1, $2, $3, 'x', $4, '/', $1, 0)",
             {w.Id("note"), s, u, l}));
    SP_RETURN_IF_ERROR(
        Exec(c, "INSERT INTO case_mail_optin(case_id, user_id) VALUES ($1, $2)", {"case-" + s, u}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO meldpunt_key_grants(user_id, school_id, reason, "
                            "created_at) VALUES ($1, $2, 'lead', 0)",
                            {u, s}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO company_contacts(user_id, company_id, created_at) VALUES "
                            "($1, $2, 0)",
                            {u, "co-" + s}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO norm_acceptances(school_id, company_id, version, "
                            "accepted_at, accepted_by) VALUES ($1, $2, $3, 0, $4)",
                            {s, "co-" + s, n, u}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO training_records(id, school_id, user_id, training_name, "
                            "completed_on, expires_on, recorded_at, recorded_by) VALUES ($1, $2, "
                            "$3, $4, '2026-01-01', '2027-01-01', 0, 'x')",
                            {w.Id("training"), s, u, "Training " + l}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO teacher_consultations(id, school_id, teacher_id, "
                            "created_at) VALUES ($1, $2, $3, 0)",
                            {w.Id("consult"), s, u}));
    if (w.student) SP_RETURN_IF_ERROR(SeedStudent(c, w));
    return Status::Ok();
  }

  static Status SeedStudent(db::Connection& c, const Who& w) {
    const std::string s = w.school, u = w.user(), st = w.student_id(), r = "round-" + s,
                      lp = "lp-" + s, pl = w.Id("placement");
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO students(id, school_id, student_number, name, crebo, level, "
             "pathway, cohort, user_id, created_at, updated_at) VALUES ($1, $2, $3, "
             "$4, '25480', 3, 'BOL', '2026', $5, 0, 0)",
             {st, s, w.Id("number"), "Student " + w.letter, u}));
    SP_RETURN_IF_ERROR(
        Exec(c, "INSERT INTO round_students(round_id, student_id) VALUES ($1, $2)", {r, st}));
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO leerwensen(round_id, student_id, what_to_learn, transport, "
             "max_travel_minutes, updated_at) VALUES ($1, $2, $3, 'ov', 45, 0)",
             {r, st, "Leren " + w.Id("wish")}));
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO leerwens_choices(round_id, student_id, rank, leerplaats_id) "
             "VALUES ($1, $2, 1, $3)",
             {r, st, lp}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO placements(id, school_id, round_id, student_id, "
                            "leerplaats_id, lottery, choices) VALUES ($1, $2, $3, $4, $5, 7, 1)",
                            {pl, s, r, st, lp}));
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO placement_misses(round_id, student_id, rank, leerplaats_id, "
             "reason, own_band, cutoff_band) VALUES ($1, $2, 2, $3, 'full', 1, 1)",
             {r, st, lp}));
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO placement_flags(id, school_id, placement_id, kind, reason, "
             "at, recorded_by) VALUES ($1, $2, $3, 'breakdown', $4, 0, 'x')",
             {w.Id("flag"), s, pl, "Reden " + w.letter}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO norm_reads(school_id, user_id, placement_id, version, "
                            "read_at) VALUES ($1, $2, $3, 1, 0)",
                            {s, u, pl}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO teacher_students(school_id, teacher_id, student_id, "
                            "linked_by, linked_at) VALUES ($1, $2, $3, 'x', 0)",
                            {s, u, st}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO student_case_links(case_id, school_id, student_id, "
                            "raised_by, agreed, created_at, code_sealed) VALUES ($1, $2, $3, "
                            "'x', 'teacher_agreed_confidential', 0, $4)",
                            {"case-" + s, s, st, db::Blob{w.Secret("code")}}));
    SP_RETURN_IF_ERROR(
        Exec(c,
             "INSERT INTO bpv_agreements(id, school_id, student_id, company_id, crebo, "
             "start_date, end_date, created_at, updated_at) VALUES ($1, $2, $3, $4, '25480', "
             "'2026-02-02', '2026-06-26', 0, 0)",
             {w.Id("bpv"), s, st, "co-" + s}));
    return Exec(c, "INSERT INTO pulse_done(user_id, placement_id, done_at) VALUES ($1, $2, 5)",
                {u, pl});
  }

  // The person's download as lower-case JSON text, and its tables.
  std::string Download(const Who& w, std::vector<TableRows>* tables) {
    std::string text;
    Status s = db().Read([&](db::Connection& c) -> Status {
      SP_ASSIGN_OR_RETURN(Person p, FindPerson(c, w.school, w.user()));
      EXPECT_EQ(p.student_id, w.student_id());
      SP_ASSIGN_OR_RETURN(*tables, Collect(c, p));
      text = ToJson(p, *tables, 0).dump();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return text;
  }
};

TEST_P(ExportTest, EveryRowAboutThePersonAndNothingOfAnyoneElse) {
  for (const Who& w : {kA, kB, kC, kD}) {
    SCOPED_TRACE(w.letter);
    std::vector<TableRows> tables;
    std::string text = Download(w, &tables);
    // Every catalogued table about a person is in it, with this person's rows.
    std::set<std::string> with_rows;
    for (const TableRows& t : tables) {
      if (!t.rows.empty()) with_rows.insert(std::string(t.rule->table));
    }
    for (const domain::RetentionRule& r : domain::RetentionRules()) {
      bool about_person = !r.subject_column.empty();
      bool hangs_on_person = r.subject_column.empty() && !r.parent.empty() &&
                             domain::FindRetentionRule(r.parent) != nullptr &&
                             !domain::FindRetentionRule(r.parent)->subject_column.empty();
      if (!about_person && !hangs_on_person) continue;
      bool student_only = r.subject_key == domain::SubjectKey::kStudentId ||
                          r.table == "norm_reads" || r.table == "pulse_done" ||
                          r.table == "placement_flags";
      if (student_only && !w.student) continue;
      EXPECT_TRUE(with_rows.contains(std::string(r.table))) << "no rows in " << r.table;
    }
    EXPECT_NE(text.find("canary-" + w.letter), std::string::npos);
    // Nothing of the others: not their canaries, not their ids.
    for (const Who& other : {kA, kB, kC, kD}) {
      if (other.letter == w.letter) continue;
      EXPECT_EQ(text.find("canary-" + other.letter), std::string::npos) << other.letter;
    }
    // The person's own secrets are withheld (the row stays, the value does not).
    EXPECT_EQ(text.find("secret-canary"), std::string::npos);
    EXPECT_NE(text.find("(withheld)"), std::string::npos);
  }
}

// Carrying out an erasure answers the request and erases in one go; the
// request stays as proof without the requester's words, and the others'
// downloads are as before.
TEST_P(ExportTest, ErasureAnswersAndErasesTogether) {
  Status s = db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        Request erase, Create(c, "s1", kA.user(), RequestKind::kErasure, "Weg met canary-a", 2000));
    SP_ASSIGN_OR_RETURN(std::vector<Request> mine, ForUser(c, "s1", kA.user()));
    // Only an open erasure request can be carried out.
    for (const Request& r : mine) {
      if (r.kind == RequestKind::kCorrection) {
        EXPECT_EQ(CarryOutErasure(c, "s1", r.id, "", "admin", 3000).status().code(),
                  common::StatusCode::kFailedPrecondition);
      }
    }
    EXPECT_EQ(CarryOutErasure(c, "s2", erase.id, "", "admin", 3000).status().code(),
              common::StatusCode::kNotFound);
    SP_RETURN_IF_ERROR(CarryOutErasure(c, "s1", erase.id, "Gedaan", "admin", 3000).status());
    SP_ASSIGN_OR_RETURN(Request done, Get(c, "s1", erase.id));
    EXPECT_EQ(done.state, RequestState::kDone);
    EXPECT_EQ(done.reason, "Gedaan");
    SP_ASSIGN_OR_RETURN(std::vector<Request> after, ForUser(c, "s1", kA.user()));
    EXPECT_EQ(after.size(), 2u);
    for (const Request& r : after) EXPECT_EQ(r.text, "");
    EXPECT_EQ(FindPerson(c, "s1", kA.user()).status().code(), common::StatusCode::kNotFound);
    EXPECT_EQ(CarryOutErasure(c, "s1", erase.id, "", "admin", 4000).status().code(),
              common::StatusCode::kFailedPrecondition);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (const Who& w : {kB, kC, kD}) {
    std::vector<TableRows> tables;
    std::string text = Download(w, &tables);
    EXPECT_NE(text.find("canary-" + w.letter), std::string::npos) << w.letter;
    EXPECT_EQ(text.find("canary-a"), std::string::npos) << w.letter;
  }
}

TEST_P(ExportTest, AnotherSchoolsUserIsNotFound) {
  Status s = db().Read([&](db::Connection& c) { return FindPerson(c, "s2", kA.user()).status(); });
  EXPECT_EQ(s.code(), common::StatusCode::kNotFound);
}

TEST(WithheldTest, EverySecretColumnIsNamedWithAReason) {
  for (const auto& [table, column] :
       std::vector<std::pair<std::string, std::string>>{{"users", "password_hash"},
                                                        {"users", "totp_secret"},
                                                        {"sessions", "id_hash"},
                                                        {"sessions", "csrf_token"},
                                                        {"user_keys", "password_wrapped"},
                                                        {"invitations", "token_hash"},
                                                        {"password_resets", "token_hash"},
                                                        {"api_tokens", "token_hash"}}) {
    EXPECT_TRUE(IsWithheld(table, column)) << table << "." << column;
  }
  for (const Withheld& w : WithheldColumns()) EXPECT_FALSE(w.reason.empty()) << w.column;
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace privacy
