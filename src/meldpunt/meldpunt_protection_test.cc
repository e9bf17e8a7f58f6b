// The meldpunt as a service, part 3: crypto failure modes and key recovery,
// retention by crypto-shredding (P13) and encrypted attachments (P14). The
// signal register and pauses are in meldpunt_signals_test.cc.
#include <fstream>
#include <iterator>

#include "crypto/hash.h"
#include "media/test_images.h"
#include "meldpunt/meldpunt_test_util.h"

namespace meldpunt::testing {
namespace {

class CryptoTest : public MeldpuntTest {};
class RetentionTest : public MeldpuntTest {};
class AttachmentTest : public MeldpuntTest {};

std::string Png() { return std::string(media::testdata::Bytes(media::testdata::kTinyPng)); }

std::vector<std::filesystem::path> FilesUnder(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file()) out.push_back(e.path());
  return out;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// ---- Crypto failure modes ------------------------------------------------------

TEST_P(CryptoTest, TamperedNarrativeIsNeverShownAndTheReporterGetsDataLoss) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  std::optional<std::string> sealed =
      Cell("SELECT narrative FROM cases WHERE id = $1", {r.case_id});
  ASSERT_TRUE(sealed.has_value());
  std::string tampered = *sealed;
  tampered[tampered.size() / 2] ^= 0x01;
  SetBlob("UPDATE cases SET narrative = $1 WHERE id = $2", tampered, r.case_id);

  // The handler's page shows no narrative rather than anything unauthenticated.
  CaseDetail d = OpenOk(lead_, r.case_id);
  EXPECT_EQ(d.narrative, "");
  EXPECT_EQ(mp_->ReporterCase(token).status().code(), StatusCode::kDataLoss);

  // A truncated ciphertext fails the same way.
  SetBlob("UPDATE cases SET narrative = $1 WHERE id = $2", sealed->substr(0, sealed->size() - 1),
          r.case_id);
  EXPECT_EQ(OpenOk(lead_, r.case_id).narrative, "");
  EXPECT_EQ(mp_->ReporterCase(token).status().code(), StatusCode::kDataLoss);

  // Restored, it reads again.
  SetBlob("UPDATE cases SET narrative = $1 WHERE id = $2", *sealed, r.case_id);
  EXPECT_EQ(OpenOk(lead_, r.case_id).narrative, Draft().narrative);
  EXPECT_EQ(mp_->ReporterCase(token)->narrative, Draft().narrative);
}

TEST_P(CryptoTest, CiphertextMovedToAnotherCaseDoesNotOpen) {
  Receipt first = SubmitOk(Draft(ReportMode::kAnonymous, "Eerste melding."));
  Receipt second = SubmitOk(Draft(ReportMode::kAnonymous, "Tweede melding."));
  std::string token = ReporterToken(second.code);
  std::optional<std::string> sealed =
      Cell("SELECT narrative FROM cases WHERE id = $1", {first.case_id});
  ASSERT_TRUE(sealed.has_value());
  SetBlob("UPDATE cases SET narrative = $1 WHERE id = $2", *sealed, second.case_id);
  EXPECT_EQ(OpenOk(lead_, second.case_id).narrative, "");
  EXPECT_EQ(mp_->ReporterCase(token).status().code(), StatusCode::kDataLoss);
}

TEST_P(CryptoTest, HandlerWithoutKeyCookieSeesCategoriesButNoContent) {
  Receipt r = SubmitOk(Draft());
  MP_ASSERT_OK(mp_->ReporterMessage(ReporterToken(r.code), "Nog een bericht."));
  for (const std::string& cookie : {std::string(), crypto::RandomToken(32)}) {
    auto staff = mp_->StaffFor(lead_user_, cookie);
    MP_ASSERT_OK(staff);
    EXPECT_TRUE(staff->lead);
    EXPECT_FALSE(staff->key.has_value());
    CaseDetail d = OpenOk(*staff, r.case_id);
    EXPECT_FALSE(d.can_read_content);
    EXPECT_EQ(d.narrative, "");
    ASSERT_EQ(d.messages.size(), 1u);
    EXPECT_EQ(d.messages[0].text, "");
    EXPECT_EQ(d.summary.grounds, Draft().grounds);  // categorical fields stay readable
    EXPECT_EQ(mp_->StaffMessage(*staff, r.case_id, "hoi").code(), StatusCode::kPermissionDenied);
  }
  // Another handler's cookie does not give their key either.
  std::string cookie;
  MP_ASSERT_OK(db().Write([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(cookie, keys_->UnlockAtLogin(c, lead_user_.id, school_.id, kPassword,
                                                     clock_.NowMillis() + kHour));
    return common::Status::Ok();
  }));
  EXPECT_FALSE(mp_->StaffFor(b_user_, cookie)->key.has_value());
  EXPECT_TRUE(mp_->StaffFor(lead_user_, cookie)->key.has_value());
  clock_.Advance(std::chrono::minutes(61));  // the key session has expired
  EXPECT_FALSE(mp_->StaffFor(lead_user_, cookie)->key.has_value());
  EXPECT_EQ(AuditCount("case.read", r.case_id, "no_key"), 2);
}

TEST_P(CryptoTest, WrongRecoveryCodeIsRefused) {
  SubmitOk(Draft());
  std::string random_key_code = crypto::Base32Encode(crypto::RandomBytes(32));
  for (const std::string& code :
       {random_key_code, std::string("ABCDEF"), std::string(), other_recovery_code_,
        recovery_code_.substr(0, recovery_code_.size() - 1)}) {
    auto n = mp_->RegrantWithRecoveryCode(admin_, code);
    EXPECT_EQ(n.status().code(), StatusCode::kPermissionDenied) << code;
    EXPECT_EQ(n.status().field(), "recovery_code") << code;
  }
  // Only the school admin may use it, even with the right code.
  EXPECT_EQ(mp_->RegrantWithRecoveryCode(lead_user_, recovery_code_).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'keys.regrant'"), 0);
}

TEST_P(CryptoTest, RecoveryCodeRestoresAccessAfterAPasswordReset) {
  // Named: the assigned handler may read the identity too (P9).
  Receipt r = SubmitOk(Draft(ReportMode::kNamed));
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  ASSERT_EQ(OpenOk(HandlerA(), r.case_id).narrative, Draft().narrative);

  // A reset password no longer unwraps the old key: a new pair is made.
  Staff reset = Unlock(a_user_, "een heel ander wachtwoord na reset");
  ASSERT_TRUE(reset.key.has_value());
  EXPECT_NE(reset.key->public_key(), HandlerA().key->public_key());
  CaseDetail locked = OpenOk(reset, r.case_id);
  EXPECT_FALSE(locked.can_read_content);
  EXPECT_EQ(locked.narrative, "");
  EXPECT_FALSE(locked.identity.has_value());

  // The school admin types the recovery code (spacing and case do not matter).
  std::string typed;
  for (size_t i = 0; i < recovery_code_.size(); ++i) {
    if (i > 0 && i % 4 == 0) typed += ' ';
    typed += static_cast<char>(std::tolower(static_cast<unsigned char>(recovery_code_[i])));
  }
  auto regranted = mp_->RegrantWithRecoveryCode(admin_, typed);
  MP_ASSERT_OK(regranted);
  EXPECT_EQ(*regranted, 1);
  CaseDetail restored = OpenOk(reset, r.case_id);
  EXPECT_TRUE(restored.can_read_content);
  EXPECT_EQ(restored.narrative, Draft().narrative);
  ASSERT_TRUE(restored.identity.has_value());
  EXPECT_EQ(restored.identity->name, "Samira el Amrani");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'keys.regrant' AND actor = $1",
                  {admin_.id}),
            1);
  // The regrant did not hand the case to handlers without a need to know.
  EXPECT_EQ(mp_->OpenCase(HandlerB(), r.case_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE holder = $1", {b_user_.id}), 0);
}

// ---- Retention (P13) ---------------------------------------------------------------

TEST_P(RetentionTest, ClosedCaseIsCryptoShreddedAfter24MonthsKeepingStatistics) {
  domain::ReportDraft draft = Draft(ReportMode::kConfidential);
  draft.phase = domain::Phase::kInternship;
  Receipt r = SubmitOk(draft);
  Receipt open = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  MP_ASSERT_OK(mp_->ReporterMessage(token, "Bericht voor het dossier."));
  MP_ASSERT_OK(mp_->AddAttachmentAsReporter(token, "bewijs.png", Png()));
  ASSERT_EQ(FilesUnder(files_dir_).size(), 1u);
  CloseCase(lead_, r.case_id);
  domain::Date closed = Today();
  domain::Date due = domain::AddMonths(closed, 24);
  EXPECT_TRUE(mp_->RetentionWarnings(school_.id)->empty());

  // Inside the 30-day warning period: listed, not yet shredded.
  clock_.Set(domain::StartOfDayMillis(domain::AddDays(due, -20)) + 10 * kHour);
  auto warnings = mp_->RetentionWarnings(school_.id);
  MP_ASSERT_OK(warnings);
  ASSERT_EQ(warnings->size(), 1u);
  EXPECT_EQ((*warnings)[0].id, r.case_id);
  EXPECT_EQ((*warnings)[0].retention_due, due);
  auto early = mp_->RunRetention();
  MP_ASSERT_OK(early);
  EXPECT_EQ(early->shredded, 0);
  EXPECT_EQ(early->warned, 1);
  EXPECT_TRUE(mp_->RetentionWarnings(other_school_.id)->empty());

  // 24 months and a day after closing.
  clock_.Set(domain::StartOfDayMillis(domain::AddDays(due, 1)) + 10 * kHour);
  auto run = mp_->RunRetention();
  MP_ASSERT_OK(run);
  EXPECT_EQ(run->shredded, 1);
  EXPECT_EQ(AuditCount("case.shred", r.case_id), 1);

  EXPECT_EQ(mp_->OpenReporterSession(r.code).status().code(), StatusCode::kUnauthenticated);
  for (const char* table : {"case_keys", "case_messages", "attachments", "reporter_sessions"}) {
    EXPECT_EQ(
        Count(std::string("SELECT COUNT(*) FROM ") + table + " WHERE case_id = $1", {r.case_id}), 0)
        << table;
  }
  EXPECT_TRUE(FilesUnder(files_dir_).empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE id = $1 AND narrative IS NULL AND identity "
                  "IS NULL AND outcome_text IS NULL AND receipt_key IS NULL AND shredded_at IS "
                  "NOT NULL",
                  {r.case_id}),
            1);
  // The statistical metadata stays.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE id = $1 AND phase = 'internship' AND grounds "
                  "= 'origin,religion' AND status = 'closed' AND outcome = "
                  "'resolved_with_company' AND mode = 'confidential' AND company_id = $2",
                  {r.case_id, shared_company_}),
            1);
  CaseDetail d = OpenOk(lead_, r.case_id);
  EXPECT_TRUE(d.summary.shredded);
  EXPECT_FALSE(d.can_read_content);
  EXPECT_EQ(d.narrative, "");
  EXPECT_EQ(mp_->StaffMessage(lead_, r.case_id, "hoi").code(), StatusCode::kFailedPrecondition);

  // The open case is untouched, and a second run finds nothing more.
  EXPECT_EQ(OpenOk(lead_, open.case_id).narrative, Draft().narrative);
  ReporterToken(open.code);
  EXPECT_EQ(mp_->RunRetention()->shredded, 0);
}

TEST_P(RetentionTest, OpenCasesAreNeverShreddedHoweverOld) {
  Receipt r = SubmitOk(Draft());
  clock_.Advance(std::chrono::hours(24 * 365 * 5));
  auto run = mp_->RunRetention();
  MP_ASSERT_OK(run);
  EXPECT_EQ(run->shredded, 0);
  EXPECT_TRUE(mp_->RetentionWarnings(school_.id)->empty());
  EXPECT_EQ(OpenOk(lead_, r.case_id).narrative, Draft().narrative);
  MP_EXPECT_OK(mp_->OpenReporterSession(r.code));
}

// ---- Attachments (P14) ------------------------------------------------------------------

TEST_P(AttachmentTest, ReporterPngIsStoredEncryptedAndReadsBackIdentically) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  auto info = mp_->AddAttachmentAsReporter(token, "screenshot-whatsapp.png", Png());
  MP_ASSERT_OK(info);
  EXPECT_EQ(info->kind, "png");
  EXPECT_EQ(info->size, static_cast<int64_t>(Png().size()));
  EXPECT_EQ(info->uploaded_by, "reporter");

  auto staff_copy = mp_->ReadAttachmentAsStaff(lead_, r.case_id, info->id);
  MP_ASSERT_OK(staff_copy);
  EXPECT_EQ(staff_copy->kind, "png");
  EXPECT_EQ(staff_copy->bytes, Png());
  auto own_copy = mp_->ReadAttachmentAsReporter(token, info->id);
  MP_ASSERT_OK(own_copy);
  EXPECT_EQ(own_copy->bytes, Png());
  EXPECT_EQ(AuditCount("case.read_attachment", r.case_id), 2);
  ASSERT_EQ(OpenOk(lead_, r.case_id).attachments.size(), 1u);

  std::vector<std::filesystem::path> files = FilesUnder(files_dir_);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename().string().find("screenshot"), std::string::npos);
  std::string stored = ReadFile(files[0]);
  EXPECT_GT(stored.size(), Png().size());
  EXPECT_EQ(stored.find(Png()), std::string::npos);
  EXPECT_EQ(stored.find(Png().substr(0, 16)), std::string::npos);  // signature + IHDR
  EXPECT_TRUE(FindInTables({"attachments"}, {"screenshot", Png().substr(0, 16)}).empty());
}

TEST_P(AttachmentTest, GifAndMismatchedNamesAreRefusedAndNothingIsStored) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  const std::string gif(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00"
      "\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;",
      35);
  for (auto [name, bytes] : {std::pair<std::string, std::string>{"plaatje.gif", gif},
                             {"plaatje.png", gif},
                             {"document.pdf", Png()},
                             {"leeg.png", ""}}) {
    auto s = mp_->AddAttachmentAsReporter(token, name, bytes);
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(s.status().field(), "attachment") << name;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attachments"), 0);
  EXPECT_TRUE(FilesUnder(files_dir_).empty());
  EXPECT_EQ(mp_->AddAttachmentAsReporter("no-session-no-session-no-session-x", "a.png", Png())
                .status()
                .code(),
            StatusCode::kUnauthenticated);
}

TEST_P(AttachmentTest, OnlyHandlersWithTheCaseKeyReadAttachments) {
  Receipt r = SubmitOk(Draft());
  auto info = mp_->AddAttachmentAsReporter(ReporterToken(r.code), "a.png", Png());
  MP_ASSERT_OK(info);
  EXPECT_EQ(mp_->ReadAttachmentAsStaff(HandlerA(), r.case_id, info->id).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(mp_->ReadAttachmentAsStaff(NoKey(lead_user_), r.case_id, info->id).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(mp_->ReadAttachmentAsStaff(OtherHandler(), r.case_id, info->id).status().code(),
            StatusCode::kNotFound);
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  EXPECT_EQ(mp_->ReadAttachmentAsStaff(HandlerA(), r.case_id, info->id)->bytes, Png());

  // Staff can add one too; the reporter reads it with their code.
  auto staff_file = mp_->AddAttachmentAsStaff(HandlerA(), r.case_id, "brief.png", Png());
  MP_ASSERT_OK(staff_file);
  EXPECT_EQ(staff_file->uploaded_by, "meldpunt");
  EXPECT_EQ(mp_->ReadAttachmentAsReporter(ReporterToken(r.code), staff_file->id)->bytes, Png());
}

MP_INSTANTIATE(CryptoTest);
MP_INSTANTIATE(RetentionTest);
MP_INSTANTIATE(AttachmentTest);

}  // namespace
}  // namespace meldpunt::testing
