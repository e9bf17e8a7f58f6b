#include "media/attachment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "media/test_images.h"
#include "media/test_pdfs.h"

// exiv2 0.27's API hands out std::auto_ptr (see attachment.cc).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>

namespace media {
namespace {

using common::StatusCode;
using testdata::Bytes;
using ::testing::HasSubstr;

const std::string kJpeg(Bytes(testdata::kTinyJpeg));
const std::string kProgressiveJpeg(Bytes(testdata::kProgressiveJpeg));
const std::string kPng(Bytes(testdata::kTinyPng));

// Strings planted in the metadata; none may survive Sanitize.
constexpr std::string_view kSecrets[] = {"SecretPhoneMaker", "GPSSECRETDATUM", "EXIFSECRET",
                                         "XMPSECRETTOOL",    "IPTCSECRET",     "COMMENTSECRET",
                                         "ICCSECRET"};

Exiv2::Image::AutoPtr Open(std::string_view bytes) {
  Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(
      reinterpret_cast<const Exiv2::byte*>(bytes.data()), static_cast<long>(bytes.size()));
  image->readMetadata();
  return image;
}

// `bytes` with Exif (camera, GPS position, user comment), XMP, IPTC, a
// comment and an ICC profile, all written by exiv2 itself.
std::string WithMetadata(std::string_view bytes) {
  // Let Sanitize set exiv2 up first (XMP toolkit with its lock), as the
  // server would; exiv2 would otherwise initialise XMP without a lock.
  EXPECT_TRUE(Sanitize("warm-up.png", kPng).ok());
  Exiv2::Image::AutoPtr image = Open(bytes);
  Exiv2::ExifData& exif = image->exifData();
  exif["Exif.Image.Make"] = "SecretPhoneMaker";
  exif["Exif.Image.Model"] = "Model X";
  exif["Exif.Photo.DateTimeOriginal"] = "2024:03:01 09:15:00";
  exif["Exif.Photo.UserComment"] = "charset=Ascii EXIFSECRET";
  exif["Exif.GPSInfo.GPSVersionID"] = "2 2 0 0";
  exif["Exif.GPSInfo.GPSLatitudeRef"] = "N";
  exif["Exif.GPSInfo.GPSLatitude"] = "52/1 5/1 3000/100";
  exif["Exif.GPSInfo.GPSLongitudeRef"] = "E";
  exif["Exif.GPSInfo.GPSLongitude"] = "5/1 7/1 1200/100";
  exif["Exif.GPSInfo.GPSMapDatum"] = "GPSSECRETDATUM";
  image->xmpData()["Xmp.xmp.CreatorTool"] = "XMPSECRETTOOL";
  image->iptcData()["Iptc.Application2.Caption"] = "IPTCSECRET";
  image->setComment("COMMENTSECRET");
  Exiv2::DataBuf icc(132);  // a 128-byte header and an empty tag table
  std::fill(icc.pData_, icc.pData_ + icc.size_, 0);
  icc.pData_[3] = 132;  // profile size, big-endian
  std::copy_n("acsp", 4, icc.pData_ + 36);
  std::copy_n("ICCSECRET", 9, icc.pData_ + 80);
  image->setIccProfile(icc);
  image->writeMetadata();

  Exiv2::BasicIo& io = image->io();
  EXPECT_EQ(io.open(), 0);
  std::string out(static_cast<size_t>(io.size()), '\0');
  EXPECT_EQ(io.read(reinterpret_cast<Exiv2::byte*>(out.data()), io.size()), io.size());
  io.close();
  return out;
}

void ExpectNoMetadata(const std::string& bytes, int width, int height) {
  Exiv2::Image::AutoPtr image = Open(bytes);
  EXPECT_TRUE(image->exifData().empty());
  EXPECT_TRUE(image->xmpData().empty());
  EXPECT_TRUE(image->xmpPacket().empty());
  EXPECT_TRUE(image->iptcData().empty());
  EXPECT_TRUE(image->comment().empty());
  EXPECT_FALSE(image->iccProfileDefined());
  EXPECT_EQ(image->pixelWidth(), width);
  EXPECT_EQ(image->pixelHeight(), height);
  for (std::string_view secret : kSecrets)
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
}

void ExpectRefused(const common::StatusOr<SanitizedAttachment>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status().ToString();
  EXPECT_EQ(result.status().field(), "attachment");
  // Every refusal can be shown in the reader's language.
  EXPECT_NE(RefusalKey(result.status()), "") << result.status().message();
}

TEST(KindTest, MimeTypesAndExtensions) {
  EXPECT_EQ(MimeType(Kind::kPdf), "application/pdf");
  EXPECT_EQ(MimeType(Kind::kPng), "image/png");
  EXPECT_EQ(MimeType(Kind::kJpeg), "image/jpeg");
  EXPECT_EQ(Extension(Kind::kPdf), "pdf");
  EXPECT_EQ(Extension(Kind::kPng), "png");
  EXPECT_EQ(Extension(Kind::kJpeg), "jpg");
}

TEST(DetectKindTest, RecognisesMagicBytes) {
  EXPECT_EQ(*DetectKind("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), Kind::kPdf);
  EXPECT_EQ(*DetectKind(kPng), Kind::kPng);
  EXPECT_EQ(*DetectKind(kJpeg), Kind::kJpeg);
  EXPECT_EQ(*DetectKind(kProgressiveJpeg), Kind::kJpeg);
}

TEST(DetectKindTest, RefusesEverythingElse) {
  using namespace std::string_literals;
  for (const std::string& bytes :
       {""s, "GIF89a\x01\x00\x01\x00"s, "<!DOCTYPE html><script>alert(1)</script>"s,
        "\x7F"
        "ELF\x02\x01\x01\0"s,
        "PK\x03\x04"s, "MZ\x90\0"s, "%PD"s, " %PDF-1.4"s, "\xFF\xD8"s, "\x89PNG\r\n"s,
        "RIFF\0\0\0\0WEBP"s, "II*\0"s, "plain text"s}) {
    auto kind = DetectKind(bytes);
    ASSERT_FALSE(kind.ok()) << bytes;
    EXPECT_EQ(kind.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(kind.status().field(), "attachment");
  }
  EXPECT_THAT(DetectKind("").status().message(), HasSubstr("empty"));
  EXPECT_THAT(DetectKind("GIF89a").status().message(), HasSubstr("PDF, PNG or JPEG"));
}

TEST(CheckFilenameTest, ExtensionMustMatchTheContent) {
  EXPECT_TRUE(CheckFilenameMatches("melding.pdf", Kind::kPdf).ok());
  EXPECT_TRUE(CheckFilenameMatches("SCREENSHOT.PNG", Kind::kPng).ok());
  EXPECT_TRUE(CheckFilenameMatches("foto.jpg", Kind::kJpeg).ok());
  EXPECT_TRUE(CheckFilenameMatches("foto.JpEg", Kind::kJpeg).ok());
  EXPECT_TRUE(CheckFilenameMatches("C:\\Users\\x\\foto.v2.jpeg", Kind::kJpeg).ok());
  EXPECT_TRUE(CheckFilenameMatches("../../etc/passwd.png", Kind::kPng).ok());  // name not a path
  for (std::string_view name : {"foto.png", "foto", "foto.jpg.exe", "foto.jpg.", "foto.jpg ", "",
                                "jpg", "foto.jpe", "foto.pdf", ".jpg/x"}) {
    common::Status status = CheckFilenameMatches(name, Kind::kJpeg);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(status.field(), "attachment");
  }
  EXPECT_FALSE(CheckFilenameMatches("brief.pdf", Kind::kPng).ok());
  EXPECT_FALSE(CheckFilenameMatches("scan.png", Kind::kPdf).ok());
  EXPECT_THAT(CheckFilenameMatches("x.png", Kind::kJpeg).message(), HasSubstr(".jpg or .jpeg"));
  // The uploader's text is not echoed.
  EXPECT_THAT(CheckFilenameMatches("<b>naam</b>.gif", Kind::kPng).message(),
              ::testing::Not(HasSubstr("naam")));
}

TEST(SanitizeTest, SizeLimitIsTenMegabytes) {
  // A real PDF padded after %%EOF: accepted at the limit (the padding is
  // not written back), refused one byte over it.
  std::string pdf = testdata::PlainPdf();
  pdf.resize(kMaxAttachmentBytes, '\n');
  auto at_limit = Sanitize("groot.pdf", pdf);
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_LT(at_limit->bytes.size(), 10'000u);

  pdf.push_back(' ');
  auto over = Sanitize("groot.pdf", pdf);
  ExpectRefused(over);
  EXPECT_THAT(over.status().message(), HasSubstr("10 MB"));
  std::string png = kPng;
  png.resize(kMaxAttachmentBytes + 1, '\0');
  EXPECT_THAT(Sanitize("groot.png", png).status().message(), HasSubstr("10 MB"));
}

TEST(SanitizeTest, RefusesWrongExtensionAndOtherTypes) {
  ExpectRefused(Sanitize("screenshot.jpg", kPng));
  ExpectRefused(Sanitize("screenshot.png", kJpeg));
  ExpectRefused(Sanitize("screenshot.pdf", kJpeg));
  ExpectRefused(Sanitize("verslag.png", "%PDF-1.4\n%%EOF\n"));
  ExpectRefused(Sanitize("screenshot", kPng));
  ExpectRefused(Sanitize("animatie.gif", "GIF89a\x01\x00\x01\x00\x80\x00\x00"));
  ExpectRefused(Sanitize("pagina.png", "<html><body onload=alert(1)>"));
  ExpectRefused(Sanitize("prog.jpg", std::string("\x7F"
                                                 "ELF\x02\x01\x01\x00",
                                                 8)));
  ExpectRefused(Sanitize("leeg.png", ""));
}

TEST(SanitizeTest, CleanImagesComeBackByteForByte) {
  for (const auto& [name, bytes] : {std::pair{"a.png", kPng}, std::pair{"b.jpg", kJpeg},
                                    std::pair{"c.jpeg", kProgressiveJpeg}}) {
    auto out = Sanitize(name, bytes);
    ASSERT_TRUE(out.ok()) << name << ": " << out.status().ToString();
    EXPECT_EQ(out->bytes, bytes) << name;
  }
}

TEST(SanitizeTest, StripsExifGpsXmpIptcCommentAndIccFromJpeg) {
  for (const auto& [source, size] : {std::pair{kJpeg, 1}, std::pair{kProgressiveJpeg, 16}}) {
    const std::string dirty = WithMetadata(source);
    {  // the fixture really carries it all
      Exiv2::Image::AutoPtr image = Open(dirty);
      EXPECT_EQ(image->exifData()["Exif.GPSInfo.GPSMapDatum"].toString(), "GPSSECRETDATUM");
      EXPECT_FALSE(image->xmpData().empty());
      EXPECT_FALSE(image->iptcData().empty());
      EXPECT_EQ(image->comment(), "COMMENTSECRET");
      EXPECT_TRUE(image->iccProfileDefined());
      for (std::string_view secret : kSecrets) EXPECT_NE(dirty.find(secret), std::string::npos);
    }
    auto out = Sanitize("Foto.JPG", dirty);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->kind, Kind::kJpeg);
    EXPECT_EQ(out->bytes.substr(0, 3), "\xFF\xD8\xFF");
    ExpectNoMetadata(out->bytes, size, size);
    EXPECT_EQ(out->bytes, source);  // exactly the original picture again
  }
}

TEST(SanitizeTest, StripsExifGpsXmpIptcCommentAndIccFromPng) {
  const std::string dirty = WithMetadata(kPng);
  {
    Exiv2::Image::AutoPtr image = Open(dirty);
    EXPECT_EQ(image->exifData()["Exif.GPSInfo.GPSMapDatum"].toString(), "GPSSECRETDATUM");
    EXPECT_FALSE(image->xmpData().empty());
    EXPECT_FALSE(image->iptcData().empty());
    EXPECT_EQ(image->comment(), "COMMENTSECRET");
    EXPECT_TRUE(image->iccProfileDefined());
  }
  auto out = Sanitize("scherm.png", dirty);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->kind, Kind::kPng);
  EXPECT_EQ(out->bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
  ExpectNoMetadata(out->bytes, 1, 1);
  EXPECT_EQ(out->bytes, kPng);
}

TEST(SanitizeTest, PolyglotTailIsCutOff) {
  const std::string tail = "<html><script>alert('polyglot')</script></html>";
  for (const auto& [name, bytes] : {std::pair{"a.png", kPng}, std::pair{"b.jpg", kJpeg}}) {
    auto out = Sanitize(name, bytes + tail);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->bytes, bytes);
  }
}

TEST(SanitizeTest, RefusesDamagedImages) {
  ExpectRefused(Sanitize("x.png", "\x89PNG\r\n\x1a\n" + std::string(64, 'A')));
  ExpectRefused(Sanitize("x.png", "\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"));
  ExpectRefused(Sanitize("x.jpg", "\xFF\xD8\xFF garbage after a JPEG start"));
  ExpectRefused(Sanitize("x.jpg", "\xFF\xD8\xFF"));
  for (const std::string& image : {kJpeg, kProgressiveJpeg, kPng}) {
    const std::string name = image == kPng ? "x.png" : "x.jpg";
    for (size_t n : {image.size() / 4, image.size() / 2, image.size() - 2, image.size() - 1}) {
      ExpectRefused(Sanitize(name, image.substr(0, n)));  // truncated
    }
  }
  std::string bad_crc = kPng;
  bad_crc[45] = static_cast<char>(bad_crc[45] ^ 0x10);  // inside IDAT
  ExpectRefused(Sanitize("x.png", bad_crc));
}

// Random damage must never crash, throw or leak metadata: every result is
// either a refusal or a clean image.
TEST(SanitizeTest, SurvivesRandomDamage) {
  const std::string jpeg = WithMetadata(kProgressiveJpeg);
  const std::string png = WithMetadata(kPng);
  std::mt19937 rng(20240301);
  int accepted = 0;
  for (int round = 0; round < 600; ++round) {
    const bool is_png = round % 2 == 1;
    std::string bytes = is_png ? png : jpeg;
    std::uniform_int_distribution<size_t> where(2, bytes.size() - 1);
    for (int flips = 1 + round % 4; flips > 0; --flips) {
      bytes[where(rng)] = static_cast<char>(rng() & 0xFF);
    }
    auto out = Sanitize(is_png ? "x.png" : "x.jpg", bytes);
    if (!out.ok()) {
      EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument) << out.status().ToString();
      continue;
    }
    ++accepted;
    for (std::string_view secret : kSecrets) EXPECT_EQ(out->bytes.find(secret), std::string::npos);
  }
  EXPECT_GT(accepted, 0);  // damage inside metadata is dropped with it
}

TEST(SanitizeTest, WritesNothingToStderr) {
  ::testing::internal::CaptureStderr();
  (void)Sanitize("x.jpg", kJpeg.substr(0, kJpeg.size() / 2));
  (void)Sanitize("x.png", "\x89PNG\r\n\x1a\n" + std::string(40, '\xFF'));
  (void)Sanitize("x.jpg", WithMetadata(kJpeg));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(SanitizeTest, ManyThreadsAtOnce) {
  const std::string jpeg = WithMetadata(kProgressiveJpeg);
  const std::string png = WithMetadata(kPng);
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto a = Sanitize("a.jpg", jpeg);
        auto b = Sanitize("b.png", png);
        if (!a.ok() || a->bytes != kProgressiveJpeg || !b.ok() || b->bytes != kPng) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace media

#pragma GCC diagnostic pop
