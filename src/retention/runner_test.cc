#include "retention/runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "db/backend_test.h"
#include "domain/calendar.h"
#include "domain/retention.h"
#include "retention/settings.h"

namespace retention {
namespace {

using domain::FormatDate;
using domain::MakeDate;

constexpr common::UnixMillis kDay = 24LL * 60 * 60 * 1000;

// Time travel: "now" is fixed; rows are dated just before and just after the
// cutoff each rule computes from the school's period.
class RetentionRunnerTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db().Write([&](db::Connection& c) { return Seed(c); }).ok());
  }

  common::UnixMillis now() const { return clock_.NowMillis(); }
  domain::Date today() const { return domain::DateFromMillis(now()); }
  common::UnixMillis CutMs(std::string_view key, int value) const {
    return domain::RetentionCutoffMillis(now(), domain::FindRetentionPeriod(key)->unit, value);
  }
  std::string CutDate(std::string_view key, int value) const {
    return FormatDate(
        domain::RetentionCutoff(today(), domain::FindRetentionPeriod(key)->unit, value));
  }
  static std::string DayBefore(const std::string& date) {
    return FormatDate(domain::AddDays(*domain::ParseDate(date), -1));
  }

  static common::Status Exec(db::Connection& c, std::string_view sql, const db::Params& p = {}) {
    return c.Execute(sql, p).status();
  }

  // s1 chooses short periods, s2 long ones; every pair of rows is "just
  // past" (p) and "just inside" (i) at s1, and s2's copy is past s1's cutoff
  // but inside its own.
  common::Status Seed(db::Connection& c) {
    SP_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO schools(id, brin, name, created_at) VALUES "
                            "('s1', '99XX', 'School', 0), ('s2', '98XX', 'Other', 0)"));
    for (auto [key, v1, v2] : {std::tuple{"expired_tokens", 7, 30},
                               {"notifications", 30, 365},
                               {"students", 12, 48},
                               {"company_contacts", 24, 48},
                               {"staff_accounts", 6, 24},
                               {"stagematching", 1, 5}}) {
      SP_RETURN_IF_ERROR(SetPeriod(c, "s1", key, v1, "admin", 0));
      SP_RETURN_IF_ERROR(SetPeriod(c, "s2", key, v2, "admin", 0));
    }
    const char* user =
        "INSERT INTO users(id, school_id, login, display_name, role, disabled, "
        "disabled_at, created_at) VALUES ($1, $2, $1, 'x', $3, $4, $5, 0)";
    for (std::string s : {"s1", "s2"}) {
      const bool one = s == "s1";
      // Staff accounts, disabled.
      common::UnixMillis staff_cut = CutMs("staff_accounts", 6);
      SP_RETURN_IF_ERROR(Exec(
          c, user, {s + "-staff-p", s, "coordinator", 1, one ? staff_cut - 1 : staff_cut - kDay}));
      SP_RETURN_IF_ERROR(Exec(c, user, {s + "-staff-i", s, "coordinator", 1, staff_cut}));
      SP_RETURN_IF_ERROR(Exec(c, user, {s + "-active", s, "coordinator", 0, std::nullopt}));
      // Sessions and notifications of the active user.
      common::UnixMillis tok = CutMs("expired_tokens", 7);
      for (auto [id, at] : {std::pair{"p", tok - 1}, {"i", tok}}) {
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO sessions(id_hash, user_id, csrf_token, "
                                "created_at, last_seen_at, expires_at) VALUES ($1, $2, 'x', "
                                "0, 0, $3)",
                                {s + "-sess-" + id, s + "-active", at}));
      }
      common::UnixMillis note = CutMs("notifications", 30);
      for (auto [id, at] : {std::pair{"p", note - 1}, {"i", note}}) {
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO notifications(id, school_id, user_id, kind, "
                                "subject, link, object_id, created_at) VALUES ($1, $2, $3, "
                                "'k', 's', '/', $1, $4)",
                                {s + "-note-" + id, s, s + "-active", at}));
      }
      // Students who left.
      std::string left = CutDate("students", 12);
      for (auto [id, on] : {std::pair{"p", DayBefore(left)}, {"i", left}}) {
        SP_RETURN_IF_ERROR(Exec(c, user, {s + "-stu-" + id, s, "student", 0, std::nullopt}));
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO students(id, school_id, student_number, name, "
                                "crebo, level, pathway, cohort, user_id, created_at, "
                                "updated_at, left_on) VALUES ($1, $2, $1, 'x', '1', 2, 'BOL', "
                                "'2026', $1, 0, 0, $3)",
                                {s + "-stu-" + id, s, on}));
      }
      // Company contacts without placements: from created_at.
      SP_RETURN_IF_ERROR(Exec(c,
                              "INSERT INTO companies(id, leerbedrijf_id, name, created_at) "
                              "VALUES ($1, $1, 'x', 0)",
                              {s + "-co"}));
      common::UnixMillis con = CutMs("company_contacts", 24);
      for (auto [id, at] : {std::pair{"p", con - 1}, {"i", con}}) {
        SP_RETURN_IF_ERROR(
            Exec(c, user, {s + "-con-" + id, s, "company_contact", 0, std::nullopt}));
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO company_contacts(user_id, company_id, "
                                "created_at) VALUES ($1, $2, $3)",
                                {s + "-con-" + id, s + "-co", at}));
      }
      // Rounds: one in the school year that ended (s1: one year ago), one
      // that ends a day later, in the next school year.
      domain::Date end = domain::LastSchoolYearEndPast(today(), 1);
      for (auto [id, last_day] :
           {std::pair{"p", FormatDate(end)}, {"i", FormatDate(domain::AddDays(end, 1))}}) {
        std::string r = s + "-round-" + id;
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO rounds(id, school_id, name, cohort, period, "
                                "crebos, status, leerwens_deadline, start_date, end_date, "
                                "hours, publish_lead_days, seed, created_by, created_at) "
                                "VALUES ($1, $2, $1, 'c', 'p', '1', 'published', "
                                "'2020-01-01', '2020-01-01', $3, 1, 1, 1, 'x', 0)",
                                {r, s, last_day}));
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO leerplaatsen(id, school_id, company_id, crebo, "
                                "period, capacity, created_at, updated_at) VALUES ($1, $2, "
                                "$3, '1', $1, 1, 0, 0)",
                                {r + "-lp", s, s + "-co"}));
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO round_students(round_id, student_id) VALUES "
                                "($1, $2)",
                                {r, s + "-stu-i"}));
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO leerwensen(round_id, student_id, transport, "
                                "max_travel_minutes, updated_at) VALUES ($1, $2, 'bike', 30, "
                                "0)",
                                {r, s + "-stu-i"}));
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO leerwens_choices(round_id, student_id, rank, "
                                "leerplaats_id) VALUES ($1, $2, 1, $3)",
                                {r, s + "-stu-i", r + "-lp"}));
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO placements(id, school_id, round_id, student_id, "
                                "leerplaats_id, lottery, choices) VALUES ($1, $2, $1, $3, $4, "
                                "1, 1)",
                                {r, s, s + "-stu-i", r + "-lp"}));
        SP_RETURN_IF_ERROR(Exec(c,
                                "INSERT INTO placement_flags(id, school_id, placement_id, "
                                "kind, reason, at, recorded_by) VALUES ($1, $2, $1, 'x', 'x', "
                                "0, 'x')",
                                {r, s}));
      }
    }
    return common::Status::Ok();
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(db().Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql));
                      n = r.Int(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return n;
  }
  bool Exists(const std::string& table, const std::string& column, const std::string& id) {
    return Count("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = '" + id + "'") > 0;
  }

  // 15 March 2030, noon UTC.
  common::FakeClock clock_{domain::StartOfDayMillis(MakeDate(2030, 3, 15)) + 12 * 3600 * 1000};
  audit::AuditLog audit_{std::string(32, 'k'), clock_};
};

TEST_P(RetentionRunnerTest, RemovesWhatIsPastKeepsWhatIsInsideAndPreviewMatches) {
  Runner runner(db(), audit_, clock_, {});
  auto preview = runner.Preview("s1");
  ASSERT_TRUE(preview.ok()) << preview.status().ToString();
  // The preview removed nothing.
  EXPECT_TRUE(Exists("sessions", "id_hash", "s1-sess-p"));
  EXPECT_TRUE(Exists("students", "id", "s1-stu-p"));
  EXPECT_TRUE(Exists("rounds", "id", "s1-round-p"));

  auto run = runner.RunSchool("s1");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(preview->removed, run->removed);
  EXPECT_EQ(preview->erased, run->erased);

  // kExpired, kWritten.
  EXPECT_FALSE(Exists("sessions", "id_hash", "s1-sess-p"));
  EXPECT_TRUE(Exists("sessions", "id_hash", "s1-sess-i"));
  EXPECT_FALSE(Exists("notifications", "id", "s1-note-p"));
  EXPECT_TRUE(Exists("notifications", "id", "s1-note-i"));
  EXPECT_EQ(run->removed.at("sessions"), 1);
  EXPECT_EQ(run->removed.at("notifications"), 1);
  // kStudentLeft.
  EXPECT_FALSE(Exists("students", "id", "s1-stu-p"));
  EXPECT_FALSE(Exists("users", "id", "s1-stu-p"));
  EXPECT_TRUE(Exists("students", "id", "s1-stu-i"));
  EXPECT_EQ(run->erased.at("students"), 1);
  // kLastPlacementEnd: the company has placements in s1's rounds, so the
  // contacts count from the kept round's last day, inside 24 months: both stay
  // (created_at is tested below).
  EXPECT_TRUE(Exists("company_contacts", "user_id", "s1-con-p"));
  EXPECT_TRUE(Exists("company_contacts", "user_id", "s1-con-i"));
  // kAccountDisabled.
  EXPECT_FALSE(Exists("users", "id", "s1-staff-p"));
  EXPECT_TRUE(Exists("users", "id", "s1-staff-i"));
  EXPECT_TRUE(Exists("users", "id", "s1-active"));
  EXPECT_EQ(run->erased.at("users"), 1);
  // kSchoolYearEnded: the round and everything under it; its leerplaats.
  EXPECT_FALSE(Exists("rounds", "id", "s1-round-p"));
  EXPECT_FALSE(Exists("placements", "id", "s1-round-p"));
  EXPECT_FALSE(Exists("placement_flags", "id", "s1-round-p"));
  EXPECT_FALSE(Exists("leerwensen", "round_id", "s1-round-p"));
  EXPECT_FALSE(Exists("leerwens_choices", "round_id", "s1-round-p"));
  EXPECT_FALSE(Exists("round_students", "round_id", "s1-round-p"));
  EXPECT_FALSE(Exists("leerplaatsen", "id", "s1-round-p-lp"));
  EXPECT_TRUE(Exists("rounds", "id", "s1-round-i"));
  EXPECT_TRUE(Exists("placements", "id", "s1-round-i"));
  EXPECT_TRUE(Exists("leerplaatsen", "id", "s1-round-i-lp"));

  // The other school, with longer periods, is untouched.
  for (auto [table, column, id] : {std::tuple{"sessions", "id_hash", "s2-sess-p"},
                                   {"notifications", "id", "s2-note-p"},
                                   {"students", "id", "s2-stu-p"},
                                   {"users", "id", "s2-staff-p"},
                                   {"company_contacts", "user_id", "s2-con-p"},
                                   {"rounds", "id", "s2-round-p"},
                                   {"placements", "id", "s2-round-p"}}) {
    EXPECT_TRUE(Exists(table, column, id)) << table << " " << id;
  }
  // A second run finds nothing more.
  auto again = runner.Preview("s1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Total(), 0) << again->Summary();
}

// A contact whose company had no placement counts from created_at; one whose
// company's last round ended counts from that day, also after the round is gone.
TEST_P(RetentionRunnerTest, CompanyContactsCountFromTheLastPlacementOrCreation) {
  ASSERT_TRUE(
      db().Write([](db::Connection& c) {
            return c.Execute("DELETE FROM placement_flags WHERE school_id = 's1'").status().ok() &&
                           c.Execute("DELETE FROM placements WHERE school_id = 's1'").status().ok()
                       ? common::Status::Ok()
                       : common::Status::Internal("seed");
          })
          .ok());
  Runner runner(db(), audit_, clock_, {});
  auto run = runner.RunSchool("s1");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_FALSE(Exists("company_contacts", "user_id", "s1-con-p"));
  EXPECT_FALSE(Exists("users", "id", "s1-con-p"));
  EXPECT_TRUE(Exists("company_contacts", "user_id", "s1-con-i"));
  EXPECT_EQ(run->erased.at("company_contacts"), 1);
  EXPECT_TRUE(Exists("company_contacts", "user_id", "s2-con-p"));
}

TEST_P(RetentionRunnerTest, TheLastPlacementEndOutlivesItsRound) {
  Runner runner(db(), audit_, clock_, {});
  ASSERT_TRUE(runner.RunSchool("s1").ok());
  // s1's kept round ends the day after the last past school-year end.
  std::string kept_end = FormatDate(domain::AddDays(domain::LastSchoolYearEndPast(today(), 1), 1));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM company_contacts WHERE user_id = 's1-con-p' AND "
                  "last_placement_on = '" +
                  kept_end + "'"),
            1);
  // Remove the rounds by hand: the contact still counts from that day.
  ASSERT_TRUE(db().Write([](db::Connection& c) -> common::Status {
                    for (const char* sql : {"DELETE FROM placement_flags", "DELETE FROM placements",
                                            "DELETE FROM leerwens_choices"}) {
                      SP_RETURN_IF_ERROR(c.Execute(sql).status());
                    }
                    return common::Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(runner.RunSchool("s1").ok());
  EXPECT_TRUE(Exists("company_contacts", "user_id", "s1-con-p"));
}

// The audit log's head goes once past its period; the chain still verifies.
TEST_P(RetentionRunnerTest, PrunesTheAuditHeadAndKeepsTheChainVerifiable) {
  const common::UnixMillis real_now = now();
  const common::UnixMillis cut = CutMs("audit", 5);
  clock_.Set(cut - 2);
  ASSERT_TRUE(audit_.Append(db(), {"s1", "u", "login", "user", "1", "ok"}).ok());
  clock_.Set(cut - 1);
  ASSERT_TRUE(audit_.Append(db(), {"", "system", "x", "y", "2", "ok"}).ok());
  clock_.Set(cut);
  ASSERT_TRUE(audit_.Append(db(), {"s2", "u", "login", "user", "3", "ok"}).ok());
  clock_.Set(real_now);
  Runner runner(db(), audit_, clock_, {});
  auto run = runner.RunAll();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->removed.at("audit_log"), 2);
  EXPECT_EQ(Count("SELECT MIN(seq) FROM audit_log"), 3);
  auto problems = audit_.Verify(db());
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.audit_pruned'"), 1);
}

// Sent mail goes after "mail" days with its .eml copy; queued mail stays.
// A pulse link without a date is dated by the run that first sees it.
TEST_P(RetentionRunnerTest, MailGoesWithItsFileAndUndatedPulseLinksAreDated) {
  namespace fs = std::filesystem;
  fs::path eml = fs::temp_directory_path() / ("runner-eml-" + std::to_string(::getpid()));
  fs::create_directories(eml);
  const common::UnixMillis cut = CutMs("mail", 30);
  ASSERT_TRUE(db().Write([&](db::Connection& c) -> common::Status {
                    for (auto [id, state, at] : {std::tuple{"m-old", "sent", cut - 1},
                                                 {"m-new", "sent", cut},
                                                 {"m-queued", "queued", cut - 1}}) {
                      SP_RETURN_IF_ERROR(Exec(c,
                                              "INSERT INTO mail_outbox(id, school_id, kind, "
                                              "to_address, subject, body, state, "
                                              "next_attempt_at, created_at) VALUES ($1, 's1', "
                                              "'invitation', 'a@b.nl', '', '', $2, 0, $3)",
                                              {id, state, at}));
                      std::ofstream(eml / (std::string(id) + ".eml")) << "x";
                    }
                    return Exec(c,
                                "INSERT INTO pulse_done(user_id, placement_id, done_at) "
                                "VALUES ('s2-stu-i', 's2-round-i', 0)");
                  })
                  .ok());
  Runner runner(db(), audit_, clock_, {.eml_dir = eml.string()});
  auto run = runner.RunSchool("s1");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->removed.at("mail_outbox"), 1);
  EXPECT_FALSE(Exists("mail_outbox", "id", "m-old"));
  EXPECT_TRUE(Exists("mail_outbox", "id", "m-new"));
  EXPECT_TRUE(Exists("mail_outbox", "id", "m-queued"));
  EXPECT_FALSE(fs::exists(eml / "m-old.eml"));
  EXPECT_TRUE(fs::exists(eml / "m-new.eml"));
  fs::remove_all(eml);
  // s2: the undated link is dated now; a year and a day later it is past
  // "pulse_links" (12 months) while s2's student and round are still inside.
  ASSERT_TRUE(runner.RunSchool("s2").ok());
  EXPECT_EQ(Count("SELECT done_at FROM pulse_done WHERE user_id = 's2-stu-i'"), now());
  clock_.Set(now() + 367 * kDay);
  auto later = runner.Preview("s2");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->removed.at("pulse_done"), 1);
}

// BPV agreements go by the school year their internship ended in, like
// rounds, and take their norm reading and pulse links along.
TEST_P(RetentionRunnerTest, BpvAgreementsGoWithTheirSchoolYear) {
  domain::Date end = domain::LastSchoolYearEndPast(today(), 1);  // s1: one year
  common::Status seeded = db().Write([&](db::Connection& c) -> common::Status {
                    for (auto [id, last_day] :
                         {std::pair{std::string("bpv-p"), FormatDate(end)},
                          {std::string("bpv-i"), FormatDate(domain::AddDays(end, 1))}}) {
                      SP_RETURN_IF_ERROR(Exec(c,
                                              "INSERT INTO bpv_agreements(id, school_id, "
                                              "student_id, company_id, crebo, start_date, "
                                              "end_date, created_at, updated_at) VALUES ($1, "
                                              "'s1', 's1-stu-i', 's1-co', '25480', $2, $3, "
                                              "0, 0)",
                                              {id, DayBefore(last_day), last_day}));
                      SP_RETURN_IF_ERROR(Exec(c,
                                              "INSERT INTO norm_reads(school_id, user_id, "
                                              "placement_id, version, read_at) VALUES ('s1', "
                                              "'s1-stu-i', $1, 1, 0)",
                                              {id}));
                      SP_RETURN_IF_ERROR(Exec(c,
                                              "INSERT INTO pulse_done(user_id, placement_id, "
                                              "done_at) VALUES ('s1-stu-i', $1, $2)",
                                              {id, now()}));
                    }
                    return common::Status::Ok();
                  });
  ASSERT_TRUE(seeded.ok()) << seeded.ToString();
  Runner runner(db(), audit_, clock_, {});
  auto run = runner.RunSchool("s1");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_FALSE(Exists("bpv_agreements", "id", "bpv-p"));
  EXPECT_FALSE(Exists("norm_reads", "placement_id", "bpv-p"));
  EXPECT_FALSE(Exists("pulse_done", "placement_id", "bpv-p"));
  EXPECT_TRUE(Exists("bpv_agreements", "id", "bpv-i"));
  EXPECT_TRUE(Exists("norm_reads", "placement_id", "bpv-i"));
  EXPECT_TRUE(Exists("pulse_done", "placement_id", "bpv-i"));
  EXPECT_EQ(run->removed.at("bpv_agreements"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionRunnerTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace retention
