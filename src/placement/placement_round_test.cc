// Rounds end to end: leerwens, exclusions, run, review with explanations,
// overrides, publication and who sees what when, refusals, second rounds.
#include <algorithm>
#include <thread>

#include "placement/placement_test_util.h"

namespace placement::testing {
namespace {

class RoundTest : public PlacementTest {
 protected:
  // The standard round, run: 200004 is excluded (norm v2 not accepted).
  //   S001, S002 (Utrecht, bike): 200001 then 200002; one wins 200001 by lottery
  //   S003 (Houten): 200001 then 200002 -> 2nd choice, 1st went to closer students
  //   S004: 200004 only -> unplaced, company not taking part
  //   S005 (no coordinates): 200001 only -> unplaced
  //   S006: no choices; S101: 200003 -> 1st choice
  void RunStandardRound() {
    ImportAll();
    PublishNormAcceptedBy({"200001", "200002", "200003", "200004"});
    round_ = OpenedRound(Spec());
    ASSERT_EQ(round_.students, 0);  // counted before opening
    Wish(round_.id, "S001", {"200001", "200002"});
    Wish(round_.id, "S002", {"200001", "200002"});
    Wish(round_.id, "S003", {"200001", "200002"});
    Wish(round_.id, "S004", {"200004"});
    Wish(round_.id, "S005", {"200001"});
    Wish(round_.id, "S101", {"200003"});
    PublishNormAcceptedBy({"200001", "200002", "200003"});
    SetDay(2026, 3, 21);
    PL_ASSERT_OK(sm_->CloseRound(coordinator_, round_.id));
    auto run = sm_->Run(coordinator_, round_.id);
    PL_ASSERT_OK(run);
    run_ = *run;
    auto review = sm_->GetReview(coordinator_, round_.id);
    PL_ASSERT_OK(review);
    review_ = *review;
  }
  std::string PlacementOf(std::string_view number) {
    return Text("SELECT p.id FROM placements p JOIN students s ON s.id = p.student_id WHERE "
                "p.round_id = $1 AND s.student_number = $2",
                {round_.id, number});
  }

  Round round_;
  RunResult run_;
  Review review_;
};
PL_INSTANTIATE(RoundTest);

TEST_P(RoundTest, CreateValidatesAndOpensForTheCohort) {
  ImportAll();
  RoundSpec bad = Spec();
  bad.crebos = {"123"};
  EXPECT_EQ(sm_->CreateRound(coordinator_, bad).status().field(), "crebos");
  bad = Spec();
  bad.start = bad.leerwens_deadline;
  EXPECT_EQ(sm_->CreateRound(coordinator_, bad).status().field(), "start");
  bad = Spec();
  bad.leerwens_deadline = domain::MakeDate(2026, 3, 1);
  EXPECT_EQ(sm_->CreateRound(coordinator_, bad).status().field(), "leerwens_deadline");
  EXPECT_EQ(sm_->CreateRound(teacher_, Spec()).status().code(), StatusCode::kPermissionDenied);

  auto round = sm_->CreateRound(coordinator_, Spec());
  PL_ASSERT_OK(round);
  EXPECT_EQ(round->status, domain::RoundStatus::kDraft);
  EXPECT_EQ(round->seed, 7u);
  EXPECT_EQ(sm_->CreateRound(coordinator_, Spec()).status().code(), StatusCode::kAlreadyExists);
  auto enrolled = sm_->OpenRound(coordinator_, round->id);
  PL_ASSERT_OK(enrolled);
  EXPECT_EQ(*enrolled, 7);
  EXPECT_EQ(sm_->OpenRound(coordinator_, round->id).status().code(),
            StatusCode::kFailedPrecondition);
  // A second round for the same cohort enrols nobody: they are all in the first.
  RoundSpec twin = Spec("Tweeling");
  auto other = sm_->CreateRound(coordinator_, twin);
  PL_ASSERT_OK(other);
  auto none = sm_->OpenRound(coordinator_, other->id);
  PL_ASSERT_OK(none);
  EXPECT_EQ(*none, 0);
  auto rounds = sm_->Rounds(coordinator_);
  PL_ASSERT_OK(rounds);
  EXPECT_EQ(rounds->size(), 2u);
  EXPECT_EQ(AuditCount("round.open"), 2);
}

TEST_P(RoundTest, LeerwensOffersFittingPlacesAndChecksChoices) {
  ImportAll();
  PublishNormAcceptedBy({"200001", "200002", "200003", "200004"});
  Round round = OpenedRound(Spec());
  auto fitting = sm_->FittingPlaces(Student("S001"), round.id, domain::Transport::kBike, 180);
  PL_ASSERT_OK(fitting);
  ASSERT_EQ(fitting->size(), 3u);  // care places only
  EXPECT_EQ((*fitting)[0].place.leerbedrijf_id, "200001");  // closest first
  EXPECT_EQ((*fitting)[0].band, domain::TravelBand::k0To15);
  EXPECT_EQ((*fitting)[1].band, domain::TravelBand::k30To45);
  // A tighter limit drops what is too far.
  auto near = sm_->FittingPlaces(Student("S001"), round.id, domain::Transport::kBike, 15);
  PL_ASSERT_OK(near);
  EXPECT_EQ(near->size(), 1u);
  // Without coordinates nothing is dropped for distance.
  auto unknown = sm_->FittingPlaces(Student("S005"), round.id, domain::Transport::kWalk, 5);
  PL_ASSERT_OK(unknown);
  EXPECT_EQ(unknown->size(), 3u);
  EXPECT_FALSE((*unknown)[0].travel_minutes);

  Leerwens w;
  w.transport = domain::Transport::kBike;
  w.max_travel_minutes = 20;
  w.support_needs = "Ik heb een rustige werkplek nodig.";
  w.share_support = true;
  w.choices = {PlaceId("200002")};  // 30-45 minutes: too far for 20
  EXPECT_EQ(sm_->SaveLeerwens(Student("S001"), round.id, w).field(), "choices");
  w.choices = {PlaceId("200003", "25998")};  // another crebo
  EXPECT_EQ(sm_->SaveLeerwens(Student("S001"), round.id, w).field(), "choices");
  w.choices = {PlaceId("200001"), PlaceId("200001")};
  EXPECT_EQ(sm_->SaveLeerwens(Student("S001"), round.id, w).field(), "choices");
  w.choices = {PlaceId("200001")};
  PL_EXPECT_OK(sm_->SaveLeerwens(Student("S001"), round.id, w));

  auto home = sm_->StudentView(Student("S001"));
  PL_ASSERT_OK(home);
  EXPECT_EQ(home->student.student_number, "S001");
  ASSERT_EQ(home->rounds.size(), 1u);
  EXPECT_TRUE(home->rounds[0].can_edit);
  EXPECT_EQ(home->rounds[0].leerwens.choices, w.choices);
  EXPECT_EQ(home->rounds[0].leerwens.max_travel_minutes, 20);
  EXPECT_FALSE(home->rounds[0].placement_visible);

  // Not a coordinator's business, nor another student's.
  EXPECT_EQ(sm_->SaveLeerwens(coordinator_, round.id, w).code(), StatusCode::kPermissionDenied);
  auth::User stranger = MakeUser(school_, "zonder-record", domain::Role::kStudent);
  EXPECT_EQ(sm_->StudentView(stranger).status().code(), StatusCode::kNotFound);

  // A coordinator may fill it in with the student ("samen matchen").
  auto for_s2 = sm_->FittingPlacesFor(coordinator_, round.id, StudentId("S002"),
                                      domain::Transport::kBike, 15);
  PL_ASSERT_OK(for_s2);
  EXPECT_EQ(for_s2->size(), 1u);
  PL_EXPECT_OK(sm_->SaveLeerwensFor(coordinator_, round.id, StudentId("S002"), w));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM leerwens_choices WHERE student_id = $1",
                  {StudentId("S002")}),
            1);
  EXPECT_EQ(sm_->SaveLeerwensFor(teacher_, round.id, StudentId("S002"), w).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(sm_->SaveLeerwensFor(other_coordinator_, round.id, StudentId("S002"), w).code(),
            StatusCode::kNotFound);

  // After the deadline the leerwens is fixed.
  SetDay(2026, 3, 21);
  EXPECT_EQ(sm_->SaveLeerwens(Student("S001"), round.id, w).code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(RoundTest, ExclusionsForEachReason) {
  ImportAll();
  Round round = OpenedRound(Spec());
  // Before any norm: every company is excluded for the norm, and a run refuses.
  auto before = sm_->Exclusions(coordinator_, round.id);
  PL_ASSERT_OK(before);
  EXPECT_EQ(before->size(), 4u);
  PL_ASSERT_OK(sm_->CloseRound(coordinator_, round.id));
  EXPECT_EQ(sm_->Run(coordinator_, round.id).status().field(), "norm");

  PublishNormAcceptedBy({"200001", "200002", "200003"});
  std::string today = "2026-03-02";
  Exec("INSERT INTO company_pauses(id, school_id, company_id, reason, until_date, created_by, "
       "created_at) VALUES ('p1', $1, $2, 'onderzoek', '2026-03-02', 'x', 0)",
       {school_.id, CompanyId("200001")});
  // A lifted pause and an expired one exclude nobody.
  Exec("INSERT INTO company_pauses(id, school_id, company_id, reason, until_date, created_by, "
       "created_at, lifted_at, state) VALUES ('p2', $1, $2, 'opgeheven', '2026-12-31', 'x', 0, "
       "1, 'lifted')",
       {school_.id, CompanyId("200002")});
  // A proposed pause waits for the company's response (hoor en wederhoor),
  // and a withdrawn one never took effect: neither excludes.
  Exec("INSERT INTO company_pauses(id, school_id, company_id, reason, until_date, created_by, "
       "created_at, state, respond_by) VALUES ('p5', $1, $2, 'voorstel', '2026-12-31', 'x', 0, "
       "'proposed', '2026-03-16')",
       {school_.id, CompanyId("200003")});
  Exec("INSERT INTO company_pauses(id, school_id, company_id, reason, until_date, created_by, "
       "created_at, state) VALUES ('p6', $1, $2, 'ingetrokken', '2026-12-31', 'x', 0, "
       "'withdrawn')",
       {school_.id, CompanyId("200003")});
  Exec("INSERT INTO company_pauses(id, school_id, company_id, reason, until_date, created_by, "
       "created_at) VALUES ('p3', $1, $2, 'verlopen', '2026-03-01', 'x', 0)",
       {school_.id, CompanyId("200003")});
  // Another school's pause does not count here.
  Exec("INSERT INTO company_pauses(id, school_id, company_id, reason, until_date, created_by, "
       "created_at) VALUES ('p4', $1, $2, 'elders', '2026-12-31', 'x', 0)",
       {other_school_.id, CompanyId("200003")});
  Exec("UPDATE companies SET sbb_recognised = 0 WHERE leerbedrijf_id = '200002'");

  auto now = sm_->Exclusions(coordinator_, round.id);
  PL_ASSERT_OK(now);
  std::map<std::string, std::vector<ExclusionReason>> got;
  for (const Exclusion& e : *now) got[e.leerbedrijf_id] = e.reasons;
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(got["200001"], std::vector<ExclusionReason>{ExclusionReason::kPaused});
  EXPECT_EQ(got["200002"], std::vector<ExclusionReason>{ExclusionReason::kSbbWithdrawn});
  EXPECT_EQ(got["200004"], std::vector<ExclusionReason>{ExclusionReason::kNormNotAccepted});
  EXPECT_EQ(got.count("200003"), 0u);
  // The coordinator's companies page: an active pause's end date and neutral
  // reason, nothing for a proposal.
  auto companies = sm_->Companies(coordinator_);
  PL_ASSERT_OK(companies);
  for (const Company& co : *companies) {
    if (co.leerbedrijf_id == "200001") {
      EXPECT_EQ(co.paused_until, domain::ParseDate("2026-03-02"));
      EXPECT_EQ(co.pause_reason, domain::PauseReason::kAwaitingTalks);
    } else {
      EXPECT_FALSE(co.paused_until) << co.leerbedrijf_id;
    }
  }

  // The run stores them; a student never learns the reason.
  auto run = sm_->Run(coordinator_, round.id);
  PL_ASSERT_OK(run);
  EXPECT_EQ(run->excluded_companies, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM round_exclusions WHERE round_id = $1", {round.id}), 3);
  Exec("UPDATE companies SET sbb_recognised = 1");
  auto stored = sm_->Exclusions(coordinator_, round.id);
  PL_ASSERT_OK(stored);
  EXPECT_EQ(stored->size(), 3u);  // as at the run
  EXPECT_EQ(sm_->Exclusions(teacher_, round.id).status().code(), StatusCode::kPermissionDenied);
  (void)today;
}

TEST_P(RoundTest, NormVersionsAndAcceptance) {
  ImportAll();
  auth::User contact = Contact("200001");
  EXPECT_EQ(sm_->AcceptNorm(contact, 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->CurrentNorm(school_.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->PublishNorm(coordinator_, "", "text").status().field(), "text_nl");
  auto v1 = sm_->PublishNorm(coordinator_, "Versie een", "Version one");
  PL_ASSERT_OK(v1);
  EXPECT_EQ(*v1, 1);
  auto home = sm_->CompanyView(contact);
  PL_ASSERT_OK(home);
  EXPECT_TRUE(home->must_accept_norm);
  ASSERT_TRUE(home->current_norm);
  EXPECT_EQ(home->current_norm->text_nl, "Versie een");
  PL_ASSERT_OK(sm_->AcceptNorm(contact, 1));
  clock_.Advance(std::chrono::hours(24));
  auto v2 = sm_->PublishNorm(coordinator_, "Versie twee", "Version two");
  PL_ASSERT_OK(v2);
  EXPECT_EQ(*v2, 2);
  // Accepting the old text no longer counts.
  EXPECT_EQ(sm_->AcceptNorm(contact, 1).field(), "version");
  home = sm_->CompanyView(contact);
  PL_ASSERT_OK(home);
  EXPECT_TRUE(home->must_accept_norm);
  EXPECT_EQ(home->company.norm_accepted_version, 1);
  PL_ASSERT_OK(sm_->AcceptNorm(contact, 2));
  home = sm_->CompanyView(contact);
  PL_ASSERT_OK(home);
  EXPECT_FALSE(home->must_accept_norm);
  EXPECT_EQ(home->company.norm_accepted_at, clock_.NowMillis());
  auto history = sm_->NormHistory(coordinator_);
  PL_ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 2);
  EXPECT_EQ((*history)[1].published_by_name, "coordinator");
  // Acceptance on paper, recorded by the coordinator.
  PL_ASSERT_OK(sm_->RecordNormAcceptance(coordinator_, CompanyId("200003"), 2));
  EXPECT_EQ(sm_->RecordNormAcceptance(coordinator_, CompanyId("200004"), 1).field(), "version");
  EXPECT_EQ(sm_->RecordNormAcceptance(teacher_, CompanyId("200004"), 2).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(sm_->RecordNormAcceptance(other_coordinator_, CompanyId("200004"), 2).code(),
            StatusCode::kNotFound);
  auto companies = sm_->Companies(coordinator_);
  PL_ASSERT_OK(companies);
  EXPECT_EQ((*companies)[0].norm_accepted_version, 2);  // ICT Centrum (200003)
  EXPECT_EQ(AuditCount("norm.accept"), 3);
  // Only contacts accept; the other school has its own norm.
  EXPECT_EQ(sm_->AcceptNorm(coordinator_, 2).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(sm_->CurrentNorm(other_school_.id).status().code(), StatusCode::kNotFound);
}

// The coordinator's norm page edits the norm only; the policy page's other
// sections (src/norm/) carry over to the new version.
TEST_P(RoundTest, ANewNormVersionKeepsThePolicySections) {
  auto v1 = sm_->PublishNorm(coordinator_, "Wij accepteren geen discriminatie.", "We accept none.");
  PL_ASSERT_OK(v1);
  PL_ASSERT_OK(db().Write([&](db::Connection& c) {
    return c
        .Execute("UPDATE norm_versions SET definition_nl = $1, next_en = $2 WHERE school_id = $3",
                 {"Definitie", "Next steps", school_.id})
        .status();
  }));
  auto v2 = sm_->PublishNorm(coordinator_, "Nieuwe norm.", "New norm.");
  PL_ASSERT_OK(v2);
  EXPECT_EQ(*v2, *v1 + 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM norm_versions WHERE school_id = $1 AND version = $2 AND "
                  "text_nl = 'Nieuwe norm.' AND definition_nl = 'Definitie' AND next_en = "
                  "'Next steps' AND report_nl = ''",
                  {school_.id, *v2}),
            1);
}

TEST_P(RoundTest, RunProposesWithExplanations) {
  RunStandardRound();
  EXPECT_EQ(run_.proposal.algorithm, "da");
  EXPECT_EQ(run_.comparison.algorithm, "optimal");
  EXPECT_EQ(run_.proposal.students, 7);
  EXPECT_EQ(run_.proposal.assigned, 4);
  EXPECT_EQ(run_.comparison.assigned, 4);
  EXPECT_LE(run_.comparison.sum_of_ranks, run_.proposal.sum_of_ranks);
  EXPECT_EQ(run_.excluded_companies, 1);

  EXPECT_EQ(review_.round.status, domain::RoundStatus::kProposed);
  EXPECT_EQ(review_.students, 7);
  EXPECT_EQ(review_.placed, 4);
  EXPECT_EQ(review_.rank_histogram, (std::vector<int64_t>{2, 2}));
  ASSERT_EQ(review_.runs.size(), 2u);
  EXPECT_TRUE(review_.runs[0].chosen);
  ASSERT_EQ(review_.exclusions.size(), 1u);
  EXPECT_EQ(review_.exclusions[0].leerbedrijf_id, "200004");
  EXPECT_EQ(review_.unplaced.size(), 3u);

  // S001 and S002 are equally close: the lottery decides between them.
  const ProposalRow* s1 = Row(review_, "S001");
  const ProposalRow* s2 = Row(review_, "S002");
  ASSERT_TRUE(s1 && s2 && s1->place && s2->place);
  const ProposalRow* winner = s1->rank == 1 ? s1 : s2;
  const ProposalRow* loser = s1->rank == 1 ? s2 : s1;
  EXPECT_EQ(winner->place->leerbedrijf_id, "200001");
  EXPECT_EQ(winner->explanation_en, "You got your 1st choice.");
  EXPECT_EQ(loser->rank, 2);
  EXPECT_EQ(loser->explanation_en,
            "You got your 2nd choice. Your 1st choice was full: the places went to students in "
            "the same travel band (0\u201315 min) with a better lottery number.");

  const ProposalRow* s3 = Row(review_, "S003");
  ASSERT_TRUE(s3 && s3->place);
  EXPECT_EQ(s3->place->leerbedrijf_id, "200002");
  EXPECT_EQ(s3->band, domain::TravelBand::k0To15);
  EXPECT_EQ(s3->explanation_nl,
            "Je hebt je 2e keus gekregen. Je 1e keus was vol: de plaatsen gingen naar studenten "
            "die dichterbij wonen (band 0\u201315 min).");
  ASSERT_EQ(s3->missed.size(), 1u);
  EXPECT_EQ(s3->missed[0].reason, domain::MissReason::kFullCloser);

  const ProposalRow* s4 = Row(review_, "S004");
  ASSERT_TRUE(s4);
  EXPECT_FALSE(s4->place);
  EXPECT_NE(s4->explanation_en.find("takes no students this round"), std::string::npos);
  EXPECT_EQ(s4->explanation_en.find("norm"), std::string::npos);
  EXPECT_NE(Row(review_, "S006")->explanation_en.find("did not choose"), std::string::npos);
  EXPECT_EQ(Row(review_, "S101")->rank, 1);
  EXPECT_EQ(AuditCount("round.run"), 1);

  // A run again (same seed) gives the same proposal.
  auto again = sm_->Run(coordinator_, round_.id);
  PL_ASSERT_OK(again);
  auto review = sm_->GetReview(coordinator_, round_.id);
  PL_ASSERT_OK(review);
  EXPECT_EQ(Row(*review, "S001")->rank, s1->rank);
  // The optimal mode can be the proposal instead.
  auto optimal = sm_->Run(coordinator_, round_.id, {"optimal"});
  PL_ASSERT_OK(optimal);
  EXPECT_EQ(optimal->proposal.algorithm, "optimal");
  EXPECT_EQ(sm_->Run(coordinator_, round_.id, {"best"}).status().field(), "algorithm");
}

TEST_P(RoundTest, OverrideNeedsAReasonAndRoom) {
  RunStandardRound();
  const std::string s3 = StudentId("S003"), s5 = StudentId("S005");
  EXPECT_EQ(sm_->Override(coordinator_, round_.id, s5, PlaceId("200002"), " ").field(), "reason");
  EXPECT_EQ(sm_->Override(coordinator_, round_.id, s5, PlaceId("200002"), "OV is korter").code(),
            StatusCode::kFailedPrecondition);  // full
  EXPECT_EQ(sm_->Override(coordinator_, round_.id, s5, PlaceId("200003", "25998"), "x").field(),
            "place_id");  // another crebo
  EXPECT_EQ(sm_->Override(coordinator_, round_.id, s5, PlaceId("200004"), "x").code(),
            StatusCode::kFailedPrecondition);  // excluded
  EXPECT_EQ(sm_->Override(teacher_, round_.id, s5, "", "x").code(), StatusCode::kPermissionDenied);

  PL_ASSERT_OK(sm_->Override(coordinator_, round_.id, s3, "", "Zelf een plek gevonden"));
  PL_ASSERT_OK(sm_->Override(coordinator_, round_.id, s5, PlaceId("200002"),
                             "Reist met OV, Houten is goed bereikbaar"));
  EXPECT_EQ(AuditCount("placement.override"), 2);
  auto review = sm_->GetReview(coordinator_, round_.id);
  PL_ASSERT_OK(review);
  const ProposalRow* r5 = Row(*review, "S005");
  ASSERT_TRUE(r5->place);
  EXPECT_TRUE(r5->overridden);
  EXPECT_EQ(r5->override_reason, "Reist met OV, Houten is goed bereikbaar");
  EXPECT_FALSE(r5->rank);
  EXPECT_EQ(r5->explanation_en, "Your coordinator chose this place for you.");
  EXPECT_EQ(review->overridden, 2);
  EXPECT_EQ(review->placed, 4);
  EXPECT_FALSE(Row(*review, "S003")->place);
}

TEST_P(RoundTest, PublicationDecidesWhoSeesWhat) {
  RunStandardRound();
  const auth::User& company = Contact("200002");
  // Proposed: neither students nor companies see anything.
  auto proposed = sm_->CompanyView(company);
  PL_ASSERT_OK(proposed);
  EXPECT_TRUE(proposed->placements.empty());
  auto student = sm_->StudentView(Student("S003"));
  PL_ASSERT_OK(student);
  EXPECT_FALSE(student->rounds[0].placement_visible);
  EXPECT_FALSE(student->rounds[0].placement);
  EXPECT_TRUE(student->rounds[0].explanation_en.empty());
  EXPECT_FALSE(student->rounds[0].can_edit);

  EXPECT_EQ(sm_->Publish(teacher_, round_.id).status().code(), StatusCode::kPermissionDenied);
  SetDay(2026, 3, 23);
  auto published = sm_->Publish(coordinator_, round_.id);
  PL_ASSERT_OK(published);
  EXPECT_EQ(published->status, domain::RoundStatus::kPublished);
  ASSERT_TRUE(published->visible_from);
  EXPECT_EQ(*published->visible_from, domain::MakeDate(2026, 4, 17));  // 14 days before 1 May
  EXPECT_EQ(sm_->Override(coordinator_, round_.id, StudentId("S005"), "", "te laat").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(sm_->Run(coordinator_, round_.id).status().code(), StatusCode::kFailedPrecondition);

  // Published, but before the lead time: still nothing, not even names.
  auto early = sm_->CompanyView(company);
  PL_ASSERT_OK(early);
  EXPECT_TRUE(early->placements.empty());
  student = sm_->StudentView(Student("S003"));
  PL_ASSERT_OK(student);
  EXPECT_FALSE(student->rounds[0].placement_visible);

  SetDay(2026, 4, 17);
  student = sm_->StudentView(Student("S003"));
  PL_ASSERT_OK(student);
  const StudentRoundView& view = student->rounds[0];
  EXPECT_TRUE(view.placement_visible);
  ASSERT_TRUE(view.placement);
  EXPECT_EQ(view.placement->place.company_name, "Zorg Zuid");
  EXPECT_EQ(view.placement->company_address, "Zuidweg 2");
  EXPECT_EQ(view.placement->start, domain::MakeDate(2026, 5, 1));
  EXPECT_NE(view.explanation_en.find("You got your 2nd choice."), std::string::npos);
  auto unplaced = sm_->StudentView(Student("S005"));
  PL_ASSERT_OK(unplaced);
  EXPECT_FALSE(unplaced->rounds[0].placement);
  EXPECT_NE(unplaced->rounds[0].explanation_nl.find("niet geplaatst"), std::string::npos);

  auto visible = sm_->CompanyView(company);
  PL_ASSERT_OK(visible);
  ASSERT_EQ(visible->placements.size(), 2u);
  std::vector<std::string> names = {visible->placements[0].student_name,
                                    visible->placements[1].student_name};
  EXPECT_NE(std::find(names.begin(), names.end(), "Cas Test"), names.end());
  // Other companies see only their own students.
  auto other = sm_->CompanyView(Contact("200003"));
  PL_ASSERT_OK(other);
  ASSERT_EQ(other->placements.size(), 1u);
  EXPECT_EQ(other->placements[0].student_number, "S101");
  EXPECT_EQ(AuditCount("round.publish"), 1);
}

TEST_P(RoundTest, CompanyConfirmsItsOwnPlacesOnly) {
  ImportAll();
  const auth::User& contact = Contact("200001");
  auto home = sm_->CompanyView(contact);
  PL_ASSERT_OK(home);
  ASSERT_EQ(home->places.size(), 1u);
  EXPECT_FALSE(home->places[0].confirmed_at);
  PL_ASSERT_OK(sm_->ConfirmPlace(contact, home->places[0].id, 2, std::string("Nieuwe tekst")));
  home = sm_->CompanyView(contact);
  PL_ASSERT_OK(home);
  EXPECT_EQ(home->places[0].capacity, 2);
  EXPECT_EQ(home->places[0].description, "Nieuwe tekst");
  EXPECT_TRUE(home->places[0].confirmed_at);
  EXPECT_EQ(sm_->ConfirmPlace(contact, PlaceId("200002"), 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->ConfirmPlace(contact, home->places[0].id, -1).field(), "capacity");
  EXPECT_EQ(sm_->ConfirmPlace(coordinator_, home->places[0].id, 1).code(),
            StatusCode::kPermissionDenied);
  auth::User unlinked = MakeUser(school_, "los", domain::Role::kCompanyContact);
  EXPECT_EQ(sm_->CompanyView(unlinked).status().code(), StatusCode::kNotFound);
}

TEST_P(RoundTest, RefusalFlagsAndSecondRound) {
  RunStandardRound();
  SetDay(2026, 3, 23);
  PL_ASSERT_OK(sm_->Publish(coordinator_, round_.id));
  const std::string s3 = PlacementOf("S003");
  // Before the company sees the student, it cannot refuse them either.
  EXPECT_EQ(sm_->ReportEnd(Contact("200002"), s3, EndKind::kRefusal, "Past niet").status().code(),
            StatusCode::kNotFound);
  SetDay(2026, 4, 17);
  EXPECT_EQ(sm_->ReportEnd(Contact("200001"), s3, EndKind::kRefusal, "Niet van ons")
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(sm_->ReportEnd(Contact("200002"), s3, EndKind::kRefusal, "").status().field(),
            "reason");
  auto flag = sm_->ReportEnd(Contact("200002"), s3, EndKind::kRefusal, "Wil eerst kennismaken");
  PL_ASSERT_OK(flag);
  EXPECT_EQ(flag->student_number, "S003");
  EXPECT_EQ(flag->company_name, "Zorg Zuid");
  EXPECT_EQ(sm_->ReportEnd(Contact("200002"), s3, EndKind::kRefusal, "nog eens").status().code(),
            StatusCode::kFailedPrecondition);

  auto flags = sm_->Flags(coordinator_);
  PL_ASSERT_OK(flags);
  ASSERT_EQ(flags->size(), 1u);
  EXPECT_EQ((*flags)[0].kind, EndKind::kRefusal);
  EXPECT_EQ((*flags)[0].reason, "Wil eerst kennismaken");
  EXPECT_EQ(sm_->Flags(teacher_).status().code(), StatusCode::kPermissionDenied);
  auto company = sm_->CompanyView(Contact("200002"));
  PL_ASSERT_OK(company);
  bool ended = false;
  for (const CompanyPlacement& p : company->placements) ended |= p.ended.has_value();
  EXPECT_TRUE(ended);

  // The second round: unplaced and refused students, the places that are left.
  RoundSpec spec;
  spec.name = "Zorg 2026 ronde 2";
  spec.previous_round_id = round_.id;
  spec.leerwens_deadline = domain::MakeDate(2026, 4, 20);
  spec.start = domain::MakeDate(2026, 5, 4);
  spec.end_planned = domain::MakeDate(2026, 7, 1);
  spec.seed = 3;
  auto second = sm_->CreateRound(coordinator_, spec);
  PL_ASSERT_OK(second);
  EXPECT_EQ(second->cohort, "2025");
  EXPECT_EQ(second->period, "2026 P1");
  auto enrolled = sm_->OpenRound(coordinator_, second->id);
  PL_ASSERT_OK(enrolled);
  EXPECT_EQ(*enrolled, 4);  // S003 (refused), S004, S005, S006
  auto fitting = sm_->FittingPlaces(Student("S003"), second->id, domain::Transport::kBike, 180);
  PL_ASSERT_OK(fitting);
  ASSERT_EQ(fitting->size(), 1u);  // 200001 is full; 200002 has one place left
  EXPECT_EQ(fitting->front().place.leerbedrijf_id, "200002");
  Wish(second->id, "S003", {"200002"});
  Wish(second->id, "S005", {"200002"});
  SetDay(2026, 4, 21);  // past the deadline: the run closes the round itself
  auto run = sm_->Run(coordinator_, second->id);
  PL_ASSERT_OK(run);
  EXPECT_EQ(run->proposal.assigned, 1);
  auto review = sm_->GetReview(coordinator_, second->id);
  PL_ASSERT_OK(review);
  const ProposalRow* placed = Row(*review, "S003")->place ? Row(*review, "S003") : Row(*review, "S005");
  ASSERT_TRUE(placed->place);
  EXPECT_EQ(placed->place->leerbedrijf_id, "200002");
  PL_ASSERT_OK(sm_->Publish(coordinator_, second->id));
  // The first placement of S003 ended, so the volgnummer counts only BPVs that started.
  EXPECT_EQ(Count("SELECT MAX(volgnummer) FROM placements WHERE round_id = $1", {second->id}), 1);

  PL_ASSERT_OK(sm_->ResolveFlag(coordinator_, flag->id, "Nieuwe plek in ronde 2"));
  flags = sm_->Flags(coordinator_);
  PL_ASSERT_OK(flags);
  EXPECT_TRUE(flags->empty());
  flags = sm_->Flags(coordinator_, /*include_resolved=*/true);
  PL_ASSERT_OK(flags);
  ASSERT_EQ(flags->size(), 1u);
  EXPECT_EQ((*flags)[0].resolution, "Nieuwe plek in ronde 2");
  EXPECT_EQ(sm_->ResolveFlag(coordinator_, flag->id, "nog eens").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(sm_->LinkFlagToCase(coordinator_, flag->id, "geen-zaak").code(),
            StatusCode::kNotFound);
}

// Two rounds (two cohorts) propose the last place of 200001 to different
// students. Published at the same moment, exactly one may win the place: on
// PostgreSQL each publication locks the places it fills, so the second one's
// capacity check sees the first one's placements.
TEST_P(RoundTest, TwoRoundsPublishedAtOnceNeverOverbookAPlace) {
  ImportAll();
  ImportReport extra = Import(ImportKind::kStudents,
                              "student_number,name,crebo,level,pathway,cohort,location,lat,lon\n"
                              "S201,Hans Test,25480,3,BOL,2024,Utrecht,52.0910,5.1220\n");
  ASSERT_TRUE(extra.applied) << Errors(extra);
  PublishNormAcceptedBy({"200001", "200002", "200003", "200004"});
  RoundSpec a_spec = Spec("Cohort 2025");
  a_spec.crebos = {"25480"};
  RoundSpec b_spec = Spec("Cohort 2024");
  b_spec.cohort = "2024";
  b_spec.crebos = {"25480"};
  Round a = OpenedRound(a_spec);
  Round b = OpenedRound(b_spec);
  Wish(a.id, "S001", {"200001"});
  Wish(b.id, "S201", {"200001"});
  SetDay(2026, 3, 21);
  PL_ASSERT_OK(sm_->Run(coordinator_, a.id));
  PL_ASSERT_OK(sm_->Run(coordinator_, b.id));
  common::Status published_a, published_b;
  std::thread ta([&] { published_a = sm_->Publish(coordinator_, a.id).status(); });
  std::thread tb([&] { published_b = sm_->Publish(coordinator_, b.id).status(); });
  ta.join();
  tb.join();
  EXPECT_NE(published_a.ok(), published_b.ok())
      << published_a.ToString() << " / " << published_b.ToString();
  const common::Status& refused = published_a.ok() ? published_b : published_a;
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  EXPECT_EQ(refused.field(), "capacity");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM placements p JOIN rounds r ON r.id = p.round_id WHERE "
                  "r.status = 'published' AND p.leerplaats_id = $1",
                  {PlaceId("200001")}),
            1);
}

TEST_P(RoundTest, CoordinatorRecordsABreakdown) {
  RunStandardRound();
  PL_ASSERT_OK(sm_->Publish(coordinator_, round_.id));
  auto flag = sm_->RecordEnd(coordinator_, PlacementOf("S101"), EndKind::kBreakdown,
                             "Stage voortijdig gestopt");
  PL_ASSERT_OK(flag);
  EXPECT_EQ(flag->kind, EndKind::kBreakdown);
  EXPECT_EQ(flag->recorded_by_name, "coordinator");
  EXPECT_EQ(AuditCount("placement.breakdown"), 1);
  EXPECT_EQ(sm_->RecordEnd(other_coordinator_, PlacementOf("S101"), EndKind::kRefusal, "x")
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_P(RoundTest, SchoolsAreIsolated) {
  RunStandardRound();
  const auth::User& other = other_coordinator_;
  EXPECT_EQ(sm_->GetRound(other, round_.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->GetReview(other, round_.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->Run(other, round_.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->Exclusions(other, round_.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->Override(other, round_.id, StudentId("S001"), "", "x").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(sm_->Publish(other, round_.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->ExportBpvo(other, round_.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->ExportMatchingIo(other, round_.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sm_->LinkStudentUser(other, StudentId("S001"), other.id).code(),
            StatusCode::kNotFound);
  auto rounds = sm_->Rounds(other);
  PL_ASSERT_OK(rounds);
  EXPECT_TRUE(rounds->empty());
  auto students = sm_->Students(other, {});
  PL_ASSERT_OK(students);
  EXPECT_TRUE(students->empty());

  // The other school's contact of the same company sees none of this school.
  ImportAll(&other_coordinator_);
  PL_ASSERT_OK(sm_->Publish(coordinator_, round_.id));
  SetDay(2026, 4, 17);
  auth::User their_contact = ContactLogin("200002", &other_school_);
  auto home = sm_->CompanyView(their_contact);
  PL_ASSERT_OK(home);
  EXPECT_TRUE(home->placements.empty());
  for (const Place& p : home->places) EXPECT_NE(p.id, PlaceId("200002"));
  // And their student cannot open this school's round.
  auth::User their_student = StudentLogin("S001", &other_school_);
  EXPECT_EQ(sm_->FittingPlaces(their_student, round_.id).status().code(), StatusCode::kNotFound);
  Leerwens w;
  EXPECT_EQ(sm_->SaveLeerwens(their_student, round_.id, w).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace placement::testing
