#include "media/strip.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "media/test_images.h"

namespace media::internal {
namespace {

using common::StatusCode;
using testdata::Bytes;
using namespace std::string_literals;

std::string Jpeg() { return std::string(Bytes(testdata::kTinyJpeg)); }
std::string ProgressiveJpeg() { return std::string(Bytes(testdata::kProgressiveJpeg)); }
std::string Png() { return std::string(Bytes(testdata::kTinyPng)); }

std::string Be16(size_t v) {
  return {static_cast<char>((v >> 8) & 0xFF), static_cast<char>(v & 0xFF)};
}
std::string Be32(uint32_t v) { return Be16(v >> 16) + Be16(v & 0xFFFF); }

std::string Segment(uint8_t marker, std::string_view payload) {
  return std::string("\xFF") + static_cast<char>(marker) + Be16(payload.size() + 2) +
         std::string(payload);
}

uint32_t Crc(std::string_view bytes) {  // bitwise, independent of strip.cc's table
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : bytes) {
    c ^= static_cast<uint8_t>(ch);
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

std::string Chunk(std::string_view type, std::string_view data) {
  std::string body = std::string(type) + std::string(data);
  return Be32(static_cast<uint32_t>(data.size())) + body + Be32(Crc(body));
}

// Inserts `extra` after the JFIF APP0 (2 + 18 bytes) of a libjpeg file.
std::string JpegWith(std::string jpeg, std::string_view extra) { return jpeg.insert(20, extra); }
// Inserts `extra` after IHDR (signature 8 + chunk 25 bytes).
std::string PngWith(std::string png, std::string_view extra) { return png.insert(33, extra); }

TEST(StripJpegTest, CleanFileIsUnchangedAndStrippingIsIdempotent) {
  for (const std::string& jpeg : {Jpeg(), ProgressiveJpeg()}) {
    auto once = StripJpeg(jpeg);
    ASSERT_TRUE(once.ok()) << once.status().ToString();
    EXPECT_EQ(*once, jpeg);
    EXPECT_EQ(*StripJpeg(*once), *once);
  }
}

TEST(StripJpegTest, FillBytesBeforeRestartMarkersAreAccepted) {
  std::string jpeg = ProgressiveJpeg();
  const size_t rst = jpeg.find("\xFF\xD0");
  ASSERT_NE(rst, std::string::npos);
  jpeg.insert(rst, "\xFF\xFF");
  auto out = StripJpeg(jpeg);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, jpeg);
}

TEST(StripJpegTest, DropsEveryMetadataSegmentAndTrailingData) {
  const std::string extra =
      Segment(0xE1, "Exif\0\0EXIFSECRET"s) +
      Segment(0xE1, "http://ns.adobe.com/xap/1.0/\0XMPSECRET"s) +
      Segment(0xE1, "http://ns.adobe.com/xmp/extension/\0EXTXMPSECRET"s) +
      Segment(0xE2, "ICC_PROFILE\0\x01\x01ICCSECRET"s) + Segment(0xE2, "MPF\0MPFSECRET"s) +
      Segment(0xED,
              "Photoshop 3.0\0"
              "8BIMIPTCSECRET"s) +
      Segment(0xEB, "JPXTSECRET") + Segment(0xFE, "<script>alert('COMSECRET')</script>") +
      Segment(0xE0, "JFXX\0THUMBSECRET"s);
  // A second JPEG after EOI, as multi-picture and motion photos carry them.
  std::string dirty = JpegWith(Jpeg(), extra) + Jpeg() + "TRAILERSECRET";
  auto out = StripJpeg(dirty);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, Jpeg());
  EXPECT_EQ(out->find("SECRET"), std::string::npos);
}

TEST(StripJpegTest, JfifThumbnailIsRemovedAndAdobeMarkerKept) {
  std::string jpeg = Jpeg();
  // Replace the JFIF header by one with a 1x1 RGB thumbnail.
  std::string jfif = jpeg.substr(4, 16);  // length(2) "JFIF\0" version units density thumb(2)
  std::string payload = jfif.substr(2, 12) + "\x01\x01" + "THU";
  std::string with_thumb = jpeg.substr(0, 2) + Segment(0xE0, payload) + jpeg.substr(20);
  auto out = StripJpeg(with_thumb);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, jpeg);

  std::string adobe = Segment(0xEE, "Adobe\0\x64\0\0\0\0\x01"s);
  auto kept = StripJpeg(JpegWith(jpeg, adobe));
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(*kept, JpegWith(jpeg, adobe));
}

TEST(StripJpegTest, RefusesEveryTruncation) {
  for (const std::string& jpeg : {Jpeg(), ProgressiveJpeg()}) {
    for (size_t n = 0; n < jpeg.size(); ++n) {
      auto out = StripJpeg(jpeg.substr(0, n));
      ASSERT_FALSE(out.ok()) << n;
      EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(out.status().field(), "attachment");
    }
  }
}

TEST(StripJpegTest, RefusesBrokenStructure) {
  const std::string jpeg = Jpeg();
  std::string huge_length = jpeg;
  huge_length[4] = '\x7F';  // APP0 length past the end
  std::string tiny_length = jpeg;
  tiny_length[4] = '\0';
  tiny_length[5] = '\x01';  // a length below 2
  std::string no_marker = jpeg.substr(0, 20) + "garbage" + jpeg.substr(20);
  const size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  std::string zero_width = jpeg;
  zero_width[sof + 7] = '\0';
  zero_width[sof + 8] = '\0';
  std::string no_frame = jpeg.substr(0, sof) + jpeg.substr(sof + 2 + 17);  // SOF0 removed
  std::string extension = JpegWith(jpeg, Segment(0xF7, "JPEG-LS"));
  std::string second_soi = JpegWith(jpeg, "\xFF\xD8");
  std::string eoi_first = jpeg.substr(0, 2) + "\xFF\xD9" + jpeg.substr(2);
  for (const std::string& bad : {huge_length, tiny_length, no_marker, zero_width, no_frame,
                                 extension, second_soi, eoi_first, std::string("\xFF\xD8\xFF")}) {
    EXPECT_EQ(StripJpeg(bad).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(StripPngTest, CleanFileIsUnchanged) {
  auto out = StripPng(Png());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, Png());
  EXPECT_EQ(*StripPng(*out), *out);
}

TEST(StripPngTest, DropsAncillaryChunksAndTrailingData) {
  const std::string extra =
      Chunk("tEXt", "Author\0TEXTSECRET"s) + Chunk("zTXt", "Comment\0\0x"s) +
      Chunk("iTXt", "XML:com.adobe.xmp\0\0\0\0\0ITXTSECRET"s) + Chunk("eXIf", "MM\0*EXIFSECRET"s) +
      Chunk("tIME", "\x07\xE8\x01\x02\x03\x04\x05"s) + Chunk("iCCP", "ICC\0\0"s) +
      Chunk("pHYs", std::string(9, '\x01')) + Chunk("prVt", "PRIVATESECRET");
  const std::string keep = Chunk("gAMA", "\0\0\xB1\x8F"s) + Chunk("sRGB", "\0"s);
  std::string dirty = PngWith(Png(), extra + keep) + "<html>POLYGLOTSECRET</html>";
  auto out = StripPng(dirty);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, PngWith(Png(), keep));
  EXPECT_EQ(out->find("SECRET"), std::string::npos);
}

TEST(StripPngTest, RefusesTruncationBadCrcAndBrokenStructure) {
  const std::string png = Png();
  for (size_t n = 0; n < png.size(); ++n) {
    EXPECT_EQ(StripPng(png.substr(0, n)).status().code(), StatusCode::kInvalidArgument) << n;
  }
  for (size_t i = 8; i < png.size(); ++i) {  // every flipped bit after the signature
    std::string bad = png;
    bad[i] = static_cast<char>(bad[i] ^ 0x04);
    EXPECT_EQ(StripPng(bad).status().code(), StatusCode::kInvalidArgument) << i;
  }
  const std::string ihdr = png.substr(8, 25);
  const std::string rest = png.substr(33);
  const std::string signature = png.substr(0, 8);
  for (const std::string& bad : {
           signature + "garbage that is not a chunk at all",
           signature + rest,                                         // no IHDR
           signature + ihdr + ihdr + rest,                           // two IHDR
           signature + ihdr + Chunk("IEND", ""),                     // no IDAT
           signature + ihdr + Chunk("CgBI", "x") + rest,             // unknown critical chunk
           signature + ihdr + Chunk("t3Xt", "x") + rest,             // not a chunk name
           signature + Chunk("IHDR", std::string(13, '\0')) + rest,  // 0x0 pixels
       }) {
    EXPECT_EQ(StripPng(bad).status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace media::internal
