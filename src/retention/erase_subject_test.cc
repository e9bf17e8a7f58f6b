#include "retention/erase_subject.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "db/backend_test.h"
#include "domain/retention.h"
#include "retention/schema.h"

namespace retention {
namespace {

namespace fs = std::filesystem;

// Distinctive words in every text column that can hold a person's data. The
// erased student and contact have their own; the other student keeps theirs.
constexpr char kStudent[] = "Zwaluwstaart";
constexpr char kContact[] = "Kwikstaartje";
constexpr char kOther[] = "Roodborstje";

class EraseSubjectTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db().Write([](db::Connection& c) { return Seed(c); }).ok());
  }

  static common::Status Exec(db::Connection& c, std::string_view sql, const db::Params& p = {}) {
    return c.Execute(sql, p).status();
  }

  // A student (account u-st, record st1) with a leerwens, a placement and
  // everything hanging on it; a company contact (u-co); another student (st2,
  // u-st2) in the same round; both schools.
  static common::Status Seed(db::Connection& c) {
    std::string s = kStudent, k = kContact, o = kOther;
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO schools(id, brin, name, created_at) VALUES "
                            "('s1', '99XX', 'School', 0), ('s2', '98XX', 'Other', 0)"));
    const char* user =
        "INSERT INTO users(id, school_id, login, display_name, role, "
        "password_hash, totp_secret, email, created_at) VALUES ($1, $2, $3, $4, "
        "$5, 'hash', 'TOTPSECRET', $6, 0)";
    SP_RETURN_IF_ERROR(
        Exec(c, user,
             {"u-st", "s1", s + "@school.nl", s + " Jansen", "student", s + ".prive@example.nl"}));
    SP_RETURN_IF_ERROR(Exec(
        c, user,
        {"u-co", "s1", k + "@bedrijf.nl", k + " de Vries", "company_contact", k + "@bedrijf.nl"}));
    SP_RETURN_IF_ERROR(
        Exec(c, user,
             {"u-st2", "s1", o + "@school.nl", o + " Bakker", "student", o + ".prive@example.nl"}));
    SP_RETURN_IF_ERROR(Exec(
        c, user, {"u-staff", "s1", "coord@school.nl", "Coordinator", "coordinator", std::nullopt}));
    const char* student =
        "INSERT INTO students(id, school_id, student_number, name, crebo, "
        "level, pathway, cohort, location, user_id, created_at, updated_at, "
        "begeleider_email) VALUES ($1, 's1', $2, $3, '25180', 2, 'BOL', '2026', "
        "$4, $5, 0, 0, $6)";
    SP_RETURN_IF_ERROR(
        Exec(c, student,
             {"st1", s + "-123", s + " Jansen", s + "straat", "u-st", s + ".mentor@school.nl"}));
    SP_RETURN_IF_ERROR(
        Exec(c, student,
             {"st2", o + "-456", o + " Bakker", o + "straat", "u-st2", o + ".mentor@school.nl"}));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO companies(id, leerbedrijf_id, name, created_at) "
                            "VALUES ('c1', 'LB1', 'Bakkerij', 0)"));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO company_contacts(user_id, company_id, created_at) "
                            "VALUES ('u-co', 'c1', 0)"));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO norm_acceptances(school_id, company_id, version, "
                            "accepted_at, accepted_by) VALUES ('s1', 'c1', 1, 0, 'u-co')"));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO leerplaatsen(id, school_id, company_id, crebo, "
                            "period, capacity, created_at, updated_at) VALUES "
                            "('lp1', 's1', 'c1', '25180', '2026-P1', 2, 0, 0)"));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO rounds(id, school_id, name, cohort, period, crebos, "
                            "status, leerwens_deadline, start_date, end_date, hours, "
                            "publish_lead_days, seed, created_by, created_at) VALUES ('r1', "
                            "'s1', 'Ronde 1', '2026', '2026-P1', '25180', 'published', "
                            "'2026-09-01', '2026-10-01', '2027-01-31', 400, 7, 1, 'u-staff', 0)"));
    for (auto [st, word] : {std::pair{"st1", s}, std::pair{"st2", o}}) {
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO round_students(round_id, student_id) VALUES "
                              "('r1', $1)",
                              {st}));
      SP_RETURN_IF_ERROR(
          Exec(c,
               "INSERT INTO leerwensen(round_id, student_id, what_to_learn, "
               "company_type, work_type, transport, max_travel_minutes, "
               "support_needs, updated_at) VALUES ('r1', $1, $2, $3, $4, "
               "'bike', 30, $5, 0)",
               {st, word + " leren", word + " bedrijf", word + " werk", word + " dyslexie"}));
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO leerwens_choices(round_id, student_id, rank, "
                              "leerplaats_id) VALUES ('r1', $1, 1, 'lp1')",
                              {st}));
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO placements(id, school_id, round_id, student_id, "
                              "leerplaats_id, rank, lottery, choices, override_reason) VALUES "
                              "($1, 's1', 'r1', $2, 'lp1', 1, 1, 1, $3)",
                              {std::string("p-") + st, st, word + " reden"}));
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO placement_misses(round_id, student_id, rank, "
                              "leerplaats_id, reason, own_band, cutoff_band) VALUES ('r1', $1, "
                              "2, 'lp1', 'full', 1, 1)",
                              {st}));
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO placement_flags(id, school_id, placement_id, kind, "
                              "reason, at, recorded_by) VALUES ($1, 's1', $2, 'refusal', $3, "
                              "0, 'u-staff')",
                              {std::string("f-") + st, std::string("p-") + st, word + " weigert"}));
    }
    for (auto [u, word, pl] : {std::tuple{"u-st", s, "p-st1"}, std::tuple{"u-st2", o, "p-st2"}}) {
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO norm_reads(school_id, user_id, placement_id, "
                              "version, read_at) VALUES ('s1', $1, $2, 1, 0)",
                              {u, pl}));
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO pulse_done(user_id, placement_id, done_at) VALUES "
                              "($1, $2, 5)",
                              {u, pl}));
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO sessions(id_hash, user_id, csrf_token, created_at, "
                              "last_seen_at, expires_at) VALUES ($1, $1, 'csrf', 0, 0, 9)",
                              {u}));
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO login_throttle(login, failures, locked_until) "
                              "VALUES ($1, 1, 0)",
                              {word + "@school.nl"}));
    }
    for (auto [id, u, addr] :
         {std::tuple{"m1", "u-st", s + "@school.nl"}, std::tuple{"m2", "", s + ".prive@example.nl"},
          std::tuple{"m3", "u-co", k + "@bedrijf.nl"},
          std::tuple{"m4", "u-st2", o + "@school.nl"}}) {
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO mail_outbox(id, school_id, user_id, kind, "
                              "to_address, subject, body, next_attempt_at, created_at) VALUES "
                              "($1, 's1', $2, 'invitation', $3, 'Uitnodiging', $4, 0, 0)",
                              {id, std::string(u).empty() ? db::Param(std::nullopt) : db::Param(u),
                               addr, "Hallo " + addr}));
    }
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO notifications(id, school_id, user_id, kind, subject, "
                            "link, object_id, created_at) VALUES ('n1', 's1', 'u-co', 'x', "
                            "'M-1', '/x', 'o1', 0)"));
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO audit_log(seq, at, school_id, actor, action, "
                            "object_type, object_id, result, prev_hash, hash) VALUES (1, 0, "
                            "'s1', 'u-st', 'login', 'user', 'u-st', 'ok', '', 'h1')"));
    return common::Status::Ok();
  }

  int64_t Count(std::string_view sql, const db::Params& p = {}) {
    int64_t n = -1;
    EXPECT_TRUE(db().Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, p));
                      n = r.Int(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return n;
  }

  // Every text column of every table that contains `word`, as "table.column".
  std::vector<std::string> FindEverywhere(const std::string& word) {
    std::vector<std::string> hits;
    EXPECT_TRUE(db().Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(auto tables, ExistingTables(c));
                      for (const std::string& table : tables) {
                        if (table.starts_with("sqlite_")) continue;
                        SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT * FROM " + table));
                        for (const db::Row& r : rows.rows) {
                          for (size_t i = 0; i < r.size(); ++i) {
                            // Numbers cannot hold the word; text and bytes can.
                            const db::Value& v = r.at(i);
                            bool has_bytes = std::holds_alternative<std::string>(v) ||
                                             std::holds_alternative<db::Blob>(v);
                            if (has_bytes && r.BlobBytes(i).find(word) != std::string::npos) {
                              hits.push_back(table + "." + rows.columns[i]);
                            }
                          }
                        }
                      }
                      return common::Status::Ok();
                    })
                    .ok());
    return hits;
  }

  static std::string ReadFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

TEST_P(EraseSubjectTest, LeavesNoTraceOfTheStudentOrContactAndTouchesNobodyElse) {
  ASSERT_FALSE(FindEverywhere(kStudent).empty());
  ASSERT_FALSE(FindEverywhere(kContact).empty());

  // The outbox directory as the sender writes it without SMTP: <id>.eml.
  fs::path eml_dir = fs::temp_directory_path() / ("erase-eml-" + std::to_string(::getpid()));
  fs::create_directories(eml_dir);
  for (auto [id, word] : {std::pair{"m1", kStudent}, std::pair{"m2", kStudent},
                          std::pair{"m3", kContact}, std::pair{"m4", kOther}}) {
    std::ofstream(eml_dir / (std::string(id) + ".eml")) << "To: " << word << "@school.nl\r\n";
  }

  ErasureCounts student, contact;
  ASSERT_TRUE(db().Write([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(student, EraseSubject(c, {"s1", "", "st1"}, 1000));
                    SP_ASSIGN_OR_RETURN(contact, EraseSubject(c, {"s1", "u-co", ""}, 1000));
                    return common::Status::Ok();
                  })
                  .ok());
  RemoveOutboxFiles(eml_dir.string(), student.outbox_ids);
  RemoveOutboxFiles(eml_dir.string(), contact.outbox_ids);

  // (a) No query finds them.
  EXPECT_EQ(FindEverywhere(kStudent), std::vector<std::string>{});
  EXPECT_EQ(FindEverywhere(kContact), std::vector<std::string>{});
  EXPECT_TRUE(student.user_deleted);
  EXPECT_TRUE(contact.user_deleted);
  EXPECT_EQ(student.deleted.at("students"), 1);
  EXPECT_EQ(student.deleted.at("placement_flags"), 1);
  EXPECT_EQ(student.deleted.at("mail_outbox"), 2);
  EXPECT_EQ(contact.kept.at("norm_acceptances"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE id IN ('u-st', 'u-co')"), 0);
  // Kept for others: the audit chain and the company's acceptance.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE actor = 'u-st'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM norm_acceptances WHERE company_id = 'c1'"), 1);

  // Everyone else is untouched.
  EXPECT_EQ(FindEverywhere(kOther).size(), 16u) << ::testing::PrintToString(FindEverywhere(kOther));
  for (const char* sql : {"SELECT COUNT(*) FROM students WHERE id = 'st2'",
                          "SELECT COUNT(*) FROM placements WHERE student_id = 'st2'",
                          "SELECT COUNT(*) FROM placement_flags WHERE id = 'f-st2'",
                          "SELECT COUNT(*) FROM leerwens_choices WHERE student_id = 'st2'",
                          "SELECT COUNT(*) FROM norm_reads WHERE user_id = 'u-st2'",
                          "SELECT COUNT(*) FROM pulse_done WHERE user_id = 'u-st2'",
                          "SELECT COUNT(*) FROM sessions WHERE user_id = 'u-st2'",
                          "SELECT COUNT(*) FROM mail_outbox WHERE id = 'm4'",
                          "SELECT COUNT(*) FROM users WHERE id = 'u-staff'",
                          "SELECT COUNT(*) FROM leerplaatsen WHERE id = 'lp1'",
                          "SELECT COUNT(*) FROM rounds WHERE id = 'r1'"}) {
    EXPECT_EQ(Count(sql), 1) << sql;
  }

  // (c) The outbox directory holds only the other person's mail.
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(eml_dir)) left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{"m4.eml"});
  fs::remove_all(eml_dir);

  // (b) SQLite: no byte of them in the database file or its WAL.
  if (GetParam() != db::Dialect::kSqlite) return;
  ASSERT_TRUE(db().Write([](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("PRAGMA secure_delete"));
                    EXPECT_EQ(r.Int(0), 1) << "secure_delete must be on";
                    return common::Status::Ok();
                  })
                  .ok());
  const std::string& path = test_db_->name();
  // A checkpoint runs outside a transaction: on a connection of our own.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sqlite3_busy_timeout(raw, 5000);
  // Reading the schema first makes the connection see the WAL.
  ASSERT_EQ(sqlite3_exec(raw, "SELECT COUNT(*) FROM sqlite_master", nullptr, nullptr, nullptr),
            SQLITE_OK);
  int wal_frames = -1, moved = -1;
  EXPECT_EQ(
      sqlite3_wal_checkpoint_v2(raw, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &wal_frames, &moved),
      SQLITE_OK)
      << sqlite3_errmsg(raw);
  EXPECT_EQ(wal_frames, 0) << "moved " << moved;
  sqlite3_close(raw);
  for (const std::string& file : {path, path + "-wal"}) {
    std::string bytes = ReadFile(file);
    EXPECT_EQ(bytes.find(kStudent), std::string::npos) << file;
    EXPECT_EQ(bytes.find(kContact), std::string::npos) << file;
  }
  EXPECT_NE(ReadFile(path).find(kOther), std::string::npos) << "the scan reads the right file";
}

TEST_P(EraseSubjectTest, AnotherSchoolsPersonIsNotFound) {
  common::Status s = db().Write([](db::Connection& c) {
    return EraseSubject(c, {"s2", "", "st1"}, 1000).status();
  });
  EXPECT_EQ(s.code(), common::StatusCode::kNotFound);
  s = db().Write([](db::Connection& c) {
    return EraseSubject(c, {"s2", "u-co", ""}, 1000).status();
  });
  EXPECT_EQ(s.code(), common::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students WHERE id = 'st1'"), 1);
}

// A staff member a case is still assigned to is scrubbed, not deleted: the
// case keeps its foreign key, the person's name and login are gone.
TEST_P(EraseSubjectTest, ScrubsAnAccountThatAKeptRowStillPointsAt) {
  ASSERT_TRUE(db().Write([](db::Connection& c) {
                    return c
                        .Execute(
                            "INSERT INTO cases(id, school_id, case_number, mode, channel, "
                            "phase, grounds, wishes, consents, status, assigned_to, "
                            "received_at, first_contact_due, feedback_due, content_sha256) "
                            "VALUES ('k1', 's1', 'M-1', 'anonymous', 'web', 'during', 'x', "
                            "'x', 'x', 'new', 'u-staff', 0, '2026-01-01', '2026-01-01', 'x')")
                        .status();
                  })
                  .ok());
  ErasureCounts n;
  ASSERT_TRUE(db().Write([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(n, EraseSubject(c, {"s1", "u-staff", ""}, 1000));
                    return common::Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(n.user_scrubbed);
  EXPECT_FALSE(n.user_deleted);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE id = 'u-staff' AND disabled = 1 AND "
                  "display_name = '' AND password_hash IS NULL AND login <> 'coord@school.nl'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE assigned_to = 'u-staff'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, EraseSubjectTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace retention
