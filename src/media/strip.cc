#include "media/strip.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace media::internal {
namespace {

using common::Status;

constexpr std::string_view kField = "attachment";

Status Damaged(std::string_view what) {
  return Status::InvalidArgument(std::string(what) + " is damaged or incomplete",
                                 std::string(kField));
}

uint8_t Byte(std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }

uint32_t Be16(std::string_view s, size_t i) {
  return (static_cast<uint32_t>(Byte(s, i)) << 8) | Byte(s, i + 1);
}

uint32_t Be32(std::string_view s, size_t i) { return (Be16(s, i) << 16) | Be16(s, i + 2); }

// ---------------------------------------------------------------- JPEG

constexpr uint8_t kSoi = 0xD8, kEoi = 0xD9, kSos = 0xDA, kDqt = 0xDB, kDnl = 0xDC, kDri = 0xDD,
                  kDht = 0xC4, kJpg = 0xC8, kDac = 0xCC, kApp0 = 0xE0, kApp14 = 0xEE, kApp15 = 0xEF,
                  kCom = 0xFE;

bool IsStartOfFrame(uint8_t m) {
  return m >= 0xC0 && m <= 0xCF && m != kDht && m != kJpg && m != kDac;
}

void AppendMarker(std::string& out, uint8_t marker) {
  out.push_back(static_cast<char>(0xFF));
  out.push_back(static_cast<char>(marker));
}

// Index of the first marker after the entropy-coded data starting at `pos`,
// i.e. the first 0xFF not followed by a stuffed 0x00 or a restart marker;
// in.size() when the data runs to the end of the file (truncated).
size_t EndOfEntropyData(std::string_view in, size_t pos) {
  while (pos < in.size()) {
    const void* ff = std::memchr(in.data() + pos, 0xFF, in.size() - pos);
    if (ff == nullptr) return in.size();
    pos = static_cast<size_t>(static_cast<const char*>(ff) - in.data());
    if (pos + 1 >= in.size()) return in.size();
    // Skip fill bytes: "any marker may be preceded by any number of 0xFF"
    // (T.81 B.1.1.2), restart markers inside a scan included.
    size_t code = pos + 1;
    while (code < in.size() && Byte(in, code) == 0xFF) ++code;
    if (code >= in.size()) return in.size();
    const uint8_t next = Byte(in, code);
    if (next == 0x00 && code != pos + 1) return pos;  // FF FF 00: not a stuffed byte
    if (next != 0x00 && !(next >= 0xD0 && next <= 0xD7)) return pos;
    pos = code + 1;
  }
  return in.size();
}

}  // namespace

common::StatusOr<std::string> StripJpeg(std::string_view in) {
  if (in.size() < 4 || Byte(in, 0) != 0xFF || Byte(in, 1) != kSoi) return Damaged("JPEG image");
  std::string out;
  out.reserve(in.size());
  AppendMarker(out, kSoi);
  bool seen_frame = false, seen_scan = false, seen_jfif = false;
  size_t pos = 2;
  for (;;) {
    // A marker is 0xFF, optional 0xFF fill bytes, then the marker code.
    if (pos >= in.size() || Byte(in, pos) != 0xFF) return Damaged("JPEG image");
    while (pos < in.size() && Byte(in, pos) == 0xFF) ++pos;
    if (pos >= in.size()) return Damaged("JPEG image");
    const uint8_t marker = Byte(in, pos++);

    if (marker == kEoi) {
      // Everything after the first EOI (MPF images, motion-photo video,
      // appended archives) is dropped with it.
      if (!seen_scan) return Damaged("JPEG image");
      AppendMarker(out, kEoi);
      return out;
    }
    const bool keep_verbatim = IsStartOfFrame(marker) || marker == kDht || marker == kDac ||
                               marker == kDqt || marker == kDri || marker == kDnl || marker == kSos;
    const bool drop = (marker >= kApp0 && marker <= kApp15) || marker == kCom;
    if (!keep_verbatim && !drop) {
      // SOI again, a restart marker outside a scan, TEM, JPEG extensions,
      // hierarchical-mode markers: not something a screenshot contains.
      return Damaged("JPEG image");
    }

    // Every marker we accept carries a 2-byte length that counts itself.
    if (in.size() - pos < 2) return Damaged("JPEG image");
    const size_t length = Be16(in, pos);
    if (length < 2 || in.size() - pos < length) return Damaged("JPEG image");
    const std::string_view segment = in.substr(pos, length);  // length field + payload
    const std::string_view payload = segment.substr(2);
    pos += length;

    if (IsStartOfFrame(marker)) {
      // precision(1) height(2) width(2) components(1) ...
      if (payload.size() < 6 || Be16(payload, 1) == 0 || Be16(payload, 3) == 0) {
        return Damaged("JPEG image");
      }
      seen_frame = true;
    }
    if (marker == kSos && !seen_frame) return Damaged("JPEG image");

    if (keep_verbatim) {
      AppendMarker(out, marker);
      out.append(segment);
      if (marker == kSos) {
        const size_t end = EndOfEntropyData(in, pos);
        if (end >= in.size()) return Damaged("JPEG image");  // no EOI: truncated
        out.append(in.substr(pos, end - pos));
        pos = end;
        seen_scan = true;
      }
      continue;
    }

    if (marker == kApp0 && !seen_jfif && payload.size() >= 14 &&
        payload.substr(0, 5) == std::string_view("JFIF\0", 5)) {
      // Rewritten as the 16-byte header: "JFIF\0", version(2), units(1),
      // density(2+2), and a 0x0 thumbnail, so an embedded thumbnail (which
      // may show the uncropped picture) cannot survive.
      AppendMarker(out, kApp0);
      out.append("\x00\x10", 2);
      out.append(payload.substr(0, 12));
      out.append("\x00\x00", 2);
      seen_jfif = true;
    } else if (marker == kApp14 && payload.size() >= 12 && payload.substr(0, 5) == "Adobe") {
      // "Adobe", version(2), flags(2+2), colour transform(1): needed to get
      // the colours of RGB and CMYK JPEGs right; holds nothing else.
      AppendMarker(out, kApp14);
      out.append("\x00\x0E", 2);
      out.append(payload.substr(0, 12));
    }
    // Any other APPn or COM segment is metadata: dropped.
  }
}

// ---------------------------------------------------------------- PNG

namespace {

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

// CRC-32 as PNG defines it (ISO 3309), over chunk type and data.
uint32_t PngCrc(std::string_view bytes) {
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : bytes) c = kCrcTable[(c ^ static_cast<uint8_t>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// The chunks needed to show the pixels with the right transparency and
// colours; everything else is dropped (see media/attachment.h).
bool KeepPngChunk(std::string_view type) {
  for (std::string_view keep : {"IHDR", "PLTE", "tRNS", "gAMA", "cHRM", "sRGB", "IDAT", "IEND"}) {
    if (type == keep) return true;
  }
  return false;
}

}  // namespace

common::StatusOr<std::string> StripPng(std::string_view in) {
  if (in.substr(0, kPngSignature.size()) != kPngSignature) return Damaged("PNG image");
  std::string out;
  out.reserve(in.size());
  out.append(kPngSignature);
  bool seen_idat = false;
  size_t pos = kPngSignature.size();
  for (bool first = true;; first = false) {
    // length(4) type(4) data(length) crc(4)
    if (in.size() - pos < 12) return Damaged("PNG image");
    const uint32_t length = Be32(in, pos);
    if (length > 0x7FFFFFFFu || in.size() - pos - 12 < length) return Damaged("PNG image");
    const std::string_view type = in.substr(pos + 4, 4);
    const std::string_view data = in.substr(pos + 8, length);
    const std::string_view chunk = in.substr(pos, 12 + static_cast<size_t>(length));
    if (!IsAsciiLetter(type[0]) || !IsAsciiLetter(type[1]) || !IsAsciiLetter(type[2]) ||
        !IsAsciiLetter(type[3]) ||
        PngCrc(in.substr(pos + 4, 4 + static_cast<size_t>(length))) !=
            Be32(in, pos + 8 + static_cast<size_t>(length))) {
      return Damaged("PNG image");
    }
    pos += chunk.size();

    if (first != (type == "IHDR")) return Damaged("PNG image");  // exactly one IHDR, first
    // IHDR: width(4) height(4) depth(1) colour(1) compression(1) filter(1) interlace(1)
    if (first && (length != 13 || Be32(data, 0) == 0 || Be32(data, 4) == 0)) {
      return Damaged("PNG image");
    }
    if (type == "IDAT") seen_idat = true;
    if (type == "IEND") {
      if (!seen_idat) return Damaged("PNG image");
      out.append(chunk);
      return out;  // whatever follows IEND (a polyglot's second half) is dropped
    }
    if (KeepPngChunk(type)) {
      out.append(chunk);
    } else if (type[0] >= 'A' && type[0] <= 'Z') {
      // An unknown critical chunk: a viewer could not show the image either.
      return Damaged("PNG image");
    }
    // Ancillary chunks outside the allow-list are metadata: dropped.
  }
}

}  // namespace media::internal
