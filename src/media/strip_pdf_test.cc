#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <qpdf/QPDF.hh>
#include <string>
#include <thread>
#include <vector>

#include "media/attachment.h"
#include "media/test_pdfs.h"

namespace media {
namespace {

using common::StatusCode;
using testdata::HostilePdf;
using testdata::kPdfPageContent;
using testdata::kPdfSecrets;
using testdata::PdfWriteMode;
using testdata::PlainPdf;
using ::testing::HasSubstr;
using ::testing::Not;

bool Has(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Every object of `pdf`, referenced or not, uncompressed and with stream data
// decoded: where a planted string would show if any part of it survived.
std::string ExpandedDump(std::string_view pdf_bytes) {
  QPDF pdf;
  pdf.setSuppressWarnings(true);
  pdf.processMemoryFile("dump", pdf_bytes.data(), pdf_bytes.size());
  QPDFWriter w(pdf);
  w.setOutputMemory();
  w.setObjectStreamMode(qpdf_o_disable);
  w.setCompressStreams(false);
  w.setDecodeLevel(qpdf_dl_all);
  w.setPreserveUnreferencedObjects(true);
  w.write();
  std::shared_ptr<Buffer> b = w.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
}

void ExpectRefusedAsAttachment(const common::StatusOr<SanitizedAttachment>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  EXPECT_EQ(r.status().field(), "attachment");
  EXPECT_NE(RefusalKey(r.status()), "") << r.status().message();
}

TEST(SanitizePdfTest, HostilePdfLosesMetadataScriptsFormsFilesAndPolyglot) {
  const std::string input = HostilePdf();
  for (std::string_view secret : kPdfSecrets) {
    ASSERT_TRUE(Has(input, secret)) << "test PDF lacks " << secret;
  }
  auto out = Sanitize("melding.pdf", input);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->kind, Kind::kPdf);
  EXPECT_EQ(out->bytes.substr(0, 5), "%PDF-");
  // The header line is followed by qpdf's binary comment, not the upload's.
  EXPECT_FALSE(Has(out->bytes, "<html"));
  EXPECT_FALSE(Has(out->bytes, "<script"));

  const std::string dump = ExpandedDump(out->bytes);
  for (std::string_view secret : kPdfSecrets) {
    EXPECT_FALSE(Has(out->bytes, secret)) << secret;
    EXPECT_FALSE(Has(dump, secret)) << secret;
  }
  EXPECT_FALSE(Has(dump, "/JavaScript"));
  EXPECT_FALSE(Has(dump, "/EmbeddedFile"));
  EXPECT_FALSE(Has(dump, "/Launch"));
  // The input's file identifier (qpdf's static test ID) is not carried over.
  ASSERT_TRUE(Has(input, "31415926535897932384626433832795"));
  EXPECT_FALSE(Has(out->bytes, "31415926535897932384626433832795"));

  QPDF pdf;
  pdf.setSuppressWarnings(true);
  pdf.setAttemptRecovery(false);
  pdf.processMemoryFile("out", out->bytes.data(), out->bytes.size());
  EXPECT_FALSE(pdf.isEncrypted());
  EXPECT_FALSE(pdf.getTrailer().hasKey("/Info"));
  QPDFObjectHandle root = pdf.getRoot();
  for (const char* key : {"/Metadata", "/OpenAction", "/AcroForm", "/AA"}) {
    EXPECT_FALSE(root.hasKey(key)) << key;
  }
  if (root.hasKey("/Names")) {
    EXPECT_FALSE(root.getKey("/Names").hasKey("/EmbeddedFiles"));
    EXPECT_FALSE(root.getKey("/Names").hasKey("/JavaScript"));
  }
  for (QPDFObjectHandle obj : pdf.getAllObjects()) {
    QPDFObjectHandle dict = obj.isStream() ? obj.getDict() : obj;
    if (!dict.isDictionary()) continue;
    for (const char* key : {"/Metadata", "/PieceInfo", "/AA", "/JS", "/EF", "/FS"}) {
      EXPECT_FALSE(dict.hasKey(key)) << key << " in " << obj.unparse();
    }
  }

  // Still the same document: two pages that draw what they drew.
  std::vector<QPDFObjectHandle> pages = pdf.getAllPages();
  ASSERT_EQ(pages.size(), 2u);
  for (QPDFObjectHandle page : pages) {
    std::shared_ptr<Buffer> content = page.getKey("/Contents").getStreamData();
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(content->getBuffer()), content->getSize()),
              kPdfPageContent);
  }
  // The form field keeps its place and look on the page (without its form
  // data), the comment stays without its author, the link without its
  // action; the file attachment goes.
  QPDFObjectHandle annots = pages[0].getKey("/Annots");
  ASSERT_TRUE(annots.isArray());
  EXPECT_EQ(annots.getArrayNItems(), 3);
  for (QPDFObjectHandle a : annots.aitems()) {
    EXPECT_FALSE(a.getKey("/Subtype").isNameAndEquals("/FileAttachment"));
    EXPECT_FALSE(a.hasKey("/A"));
  }
}

TEST(SanitizePdfTest, PlainPdfKeepsItsPagesAndCleaningIsStable) {
  const std::string input = PlainPdf(3);
  auto once = Sanitize("brief.pdf", input);
  ASSERT_TRUE(once.ok()) << once.status().ToString();
  QPDF pdf;
  pdf.setSuppressWarnings(true);
  pdf.processMemoryFile("out", once->bytes.data(), once->bytes.size());
  EXPECT_EQ(pdf.getAllPages().size(), 3u);
  // The same input gives the same bytes (the /ID is derived from the
  // content, not from the time), and a cleaned file can be cleaned again.
  auto again = Sanitize("brief.pdf", input);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->bytes, once->bytes);
  auto twice = Sanitize("brief.pdf", once->bytes);
  ASSERT_TRUE(twice.ok()) << twice.status().ToString();
}

TEST(SanitizePdfTest, LinksWithinTheDocumentAndToTheWebStay) {
  QPDF pdf;
  pdf.emptyPDF();
  testdata::AddPages(pdf, 1);
  QPDFObjectHandle page = pdf.getAllPages().at(0);
  page.replaceKey("/Annots",
                  QPDFObjectHandle::parse("[<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] "
                                          "/A << /S /URI /URI (https://www.example.nl/) >> >>]"));
  auto out = Sanitize("link.pdf", testdata::WritePdf(pdf));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(Has(ExpandedDump(out->bytes), "https://www.example.nl/"));
}

TEST(SanitizePdfTest, EncryptedPdfsAreRefused) {
  // Opens without a password, but encrypted: still refused.
  auto open = Sanitize("beveiligd.pdf", PlainPdf(1, PdfWriteMode::kEncryptedNoUserPassword));
  ExpectRefusedAsAttachment(open);
  EXPECT_EQ(RefusalKey(open.status()), "attachment_err_pdf_encrypted");
  EXPECT_THAT(open.status().message(), HasSubstr("password"));
  auto locked = Sanitize("beveiligd.pdf", PlainPdf(1, PdfWriteMode::kUserPassword));
  ExpectRefusedAsAttachment(locked);
  EXPECT_THAT(locked.status().message(), HasSubstr("password"));
}

TEST(SanitizePdfTest, DamagedPdfsAreRefusedWithoutQuotingThem) {
  const std::string plain = PlainPdf(1);
  for (const std::string& bad : {std::string("%PDF-1.4\nSECRETAUTHOR is not a PDF\n%%EOF\n"),
                                 plain.substr(0, 40), std::string("%PDF-1.7\n")}) {
    auto r = Sanitize("kapot.pdf", bad);
    ExpectRefusedAsAttachment(r);
    EXPECT_THAT(r.status().message(), HasSubstr("PDF"));
    EXPECT_THAT(r.status().message(), Not(HasSubstr("SECRETAUTHOR")));
  }
  // HTML before the header: not a PDF at all (DetectKind looks at offset 0).
  ExpectRefusedAsAttachment(Sanitize("polyglot.pdf", "<html><script>x</script>\n" + plain));
  // A PDF without pages.
  QPDF empty;
  empty.emptyPDF();
  auto none = Sanitize("leeg.pdf", testdata::WritePdf(empty));
  ExpectRefusedAsAttachment(none);
  EXPECT_THAT(none.status().message(), HasSubstr("no pages"));
}

TEST(SanitizePdfTest, QpdfWarningsNeverReachStderr) {
  // A broken cross-reference table: qpdf recovers, and warns about it.
  std::string recoverable = PlainPdf(1);
  const size_t xref = recoverable.rfind("startxref\n");
  ASSERT_NE(xref, std::string::npos);
  recoverable.replace(xref + 10, 1, "9");
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  auto r = Sanitize("herstel.pdf", recoverable);
  auto broken = Sanitize("kapot.pdf", std::string("%PDF-1.4\n1 0 obj << /SECRETAUTHOR >>\n"));
  const std::string err = ::testing::internal::GetCapturedStderr();
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(broken.ok());
  EXPECT_EQ(err, "");
  EXPECT_EQ(out, "");
}

TEST(SanitizePdfTest, RefusalKeyIsOnlyForSanitizeRefusals) {
  EXPECT_EQ(RefusalKey(common::Status::Ok()), "");
  EXPECT_EQ(RefusalKey(common::Status::InvalidArgument("a report can have at most 20 attachments",
                                                       "attachment")),
            "");
  EXPECT_EQ(RefusalKey(common::Status::InvalidArgument("PDF has no pages", "text")), "");
  EXPECT_EQ(RefusalKey(common::Status::InvalidArgument("PDF has no pages", "attachment")),
            "attachment_err_pdf_no_pages");
}

TEST(SanitizePdfTest, ManyThreadsAtOnce) {
  const std::string input = HostilePdf();
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (size_t t = 0; t < ok.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) ok[t] += Sanitize("m.pdf", input).ok() ? 1 : 0;
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 5);
}

}  // namespace
}  // namespace media
