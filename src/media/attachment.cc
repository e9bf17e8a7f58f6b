#include "media/attachment.h"

#include <exception>
#include <mutex>
#include <utility>

// exiv2 0.27's headers use std::auto_ptr (deprecated in C++11, still shipped
// by libstdc++); its Image::AutoPtr is part of the API we must call.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>

#include "media/strip.h"

namespace media {
namespace {

using common::Status;

constexpr std::string_view kField = "attachment";
constexpr std::string_view kPdfMagic = "%PDF-";
constexpr std::string_view kPngMagic("\x89PNG\r\n\x1a\n", 8);
constexpr std::string_view kJpegMagic("\xFF\xD8\xFF", 3);

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message), std::string(kField));
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;  // b is lower case
  }
  return true;
}

// ---------------------------------------------------------------- exiv2

// exiv2 keeps process-wide state: its log handler (default: stderr, which
// would put details of an upload into the server log) and the XMP toolkit,
// whose initialize() is not thread-safe and whose namespace registry needs a
// lock from us. Both are set up exactly once, before the first image.
std::mutex& XmpMutex() {
  static std::mutex* mutex = new std::mutex;  // never destroyed: exiv2 may use it at exit
  return *mutex;
}

void XmpLock(void* data, bool lock) {
  auto* mutex = static_cast<std::mutex*>(data);
  if (lock) {
    mutex->lock();
  } else {
    mutex->unlock();
  }
}

bool InitExiv2Once() {
  static std::once_flag once;
  static bool xmp_ok = false;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::LogMsg::setHandler(nullptr);
    xmp_ok = Exiv2::XmpParser::initialize(&XmpLock, &XmpMutex());
  });
  return xmp_ok;
}

int Exiv2Type(Kind kind) {
  return kind == Kind::kPng ? Exiv2::ImageType::png : Exiv2::ImageType::jpeg;
}

// Opens `bytes` as an image of `kind` in memory and reads its metadata.
// Throws Exiv2::AnyError (or std::exception) on damaged input.
Exiv2::Image::AutoPtr OpenImage(std::string_view bytes, Kind kind) {
  Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(
      reinterpret_cast<const Exiv2::byte*>(bytes.data()), static_cast<long>(bytes.size()));
  if (image.get() == nullptr || image->imageType() != Exiv2Type(kind)) {
    throw Exiv2::Error(Exiv2::kerNotAnImage, "attachment");
  }
  image->readMetadata();
  return image;
}

// exiv2's own cleaning: clears Exif, IPTC, XMP, comment and ICC profile and
// writes the image out again in memory.
common::StatusOr<std::string> ClearWithExiv2(std::string_view bytes, Kind kind) {
  Exiv2::Image::AutoPtr image = OpenImage(bytes, kind);
  image->clearMetadata();
  image->writeMetadata();
  Exiv2::BasicIo& io = image->io();
  if (io.open() != 0) return Status::Internal("exiv2: cannot reopen the written image");
  const long size = static_cast<long>(io.size());  // exiv2 reads with a long count
  std::string out(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  const long read = size > 0 ? io.read(reinterpret_cast<Exiv2::byte*>(out.data()), size) : 0;
  io.close();
  if (size <= 0 || read != size) return Status::Internal("exiv2: cannot read the written image");
  return out;
}

// The final check: exiv2 must read `bytes` as a `kind` image of at least 1x1
// pixels with nothing left in any metadata block it knows.
Status VerifyClean(std::string_view bytes, Kind kind) {
  Exiv2::Image::AutoPtr image = OpenImage(bytes, kind);
  if (!image->exifData().empty() || !image->iptcData().empty() || !image->xmpData().empty() ||
      !image->xmpPacket().empty() || !image->comment().empty() || image->iccProfileDefined()) {
    return Status::Internal("metadata left in a sanitised image");
  }
  if (image->pixelWidth() <= 0 || image->pixelHeight() <= 0) {
    return Invalid("the image has no pixels");
  }
  return Status::Ok();
}

common::StatusOr<std::string> SanitizeImage(std::string_view bytes, Kind kind) {
  if (!InitExiv2Once()) return Status::Internal("exiv2: XMP toolkit failed to initialise");
  auto strip = [kind](std::string_view b) {
    return kind == Kind::kPng ? internal::StripPng(b) : internal::StripJpeg(b);
  };
  try {
    // Allow-list first, so exiv2's metadata parsers never see the upload's
    // own Exif/XMP; then exiv2; then the allow-list again, in case the
    // writer added a segment; then the check.
    common::StatusOr<std::string> stripped = strip(bytes);
    if (!stripped.ok()) return stripped.status();
    common::StatusOr<std::string> cleared = ClearWithExiv2(*stripped, kind);
    if (!cleared.ok()) return cleared.status();
    common::StatusOr<std::string> result = strip(*cleared);
    if (!result.ok()) return Status::Internal("exiv2 wrote an image the allow-list refuses");
    SP_RETURN_IF_ERROR(VerifyClean(*result, kind));
    return result;
  } catch (const Exiv2::AnyError&) {
    // The message may quote bytes of the upload: not passed on.
  } catch (const std::exception&) {
  }
  return Invalid(kind == Kind::kPng ? "PNG image is damaged or cannot be read"
                                    : "JPEG image is damaged or cannot be read");
}

}  // namespace

std::string_view MimeType(Kind kind) {
  switch (kind) {
    case Kind::kPdf:
      return "application/pdf";
    case Kind::kPng:
      return "image/png";
    case Kind::kJpeg:
      return "image/jpeg";
  }
  return "application/octet-stream";
}

std::string_view Extension(Kind kind) {
  switch (kind) {
    case Kind::kPdf:
      return "pdf";
    case Kind::kPng:
      return "png";
    case Kind::kJpeg:
      return "jpg";
  }
  return "bin";
}

common::StatusOr<Kind> DetectKind(std::string_view bytes) {
  if (bytes.empty()) return Invalid("attachment is empty");
  if (StartsWith(bytes, kPdfMagic)) return Kind::kPdf;
  if (StartsWith(bytes, kPngMagic)) return Kind::kPng;
  if (StartsWith(bytes, kJpegMagic)) return Kind::kJpeg;
  return Invalid("attachment must be a PDF, PNG or JPEG file");
}

common::Status CheckFilenameMatches(std::string_view filename, Kind kind) {
  const size_t dot = filename.rfind('.');
  const std::string_view ext =
      dot == std::string_view::npos ? std::string_view() : filename.substr(dot + 1);
  bool match = false;
  switch (kind) {
    case Kind::kPdf:
      match = EqualsIgnoringAsciiCase(ext, "pdf");
      break;
    case Kind::kPng:
      match = EqualsIgnoringAsciiCase(ext, "png");
      break;
    case Kind::kJpeg:
      match = EqualsIgnoringAsciiCase(ext, "jpg") || EqualsIgnoringAsciiCase(ext, "jpeg");
      break;
  }
  if (match) return Status::Ok();
  // The name itself is not repeated: it is the uploader's text.
  switch (kind) {
    case Kind::kPdf:
      return Invalid("the file is a PDF, so its name must end in .pdf");
    case Kind::kPng:
      return Invalid("the file is a PNG image, so its name must end in .png");
    case Kind::kJpeg:
      break;
  }
  return Invalid("the file is a JPEG image, so its name must end in .jpg or .jpeg");
}

std::string_view RefusalKey(const common::Status& status) {
  if (status.code() != common::StatusCode::kInvalidArgument || status.field() != kField) return {};
  // Every message Sanitize refuses with (attachment.cc, strip.cc,
  // strip_pdf.cc); attachment_test checks that each refusal finds its key.
  static constexpr std::pair<std::string_view, std::string_view> kKeys[] = {
      {"attachment is empty", "attachment_err_empty"},
      {"attachment must be a PDF, PNG or JPEG file", "attachment_err_type"},
      {"attachment is larger than 10 MB", "attachment_err_size"},
      {"the file is a PDF, so its name must end in .pdf", "attachment_err_name_pdf"},
      {"the file is a PNG image, so its name must end in .png", "attachment_err_name_png"},
      {"the file is a JPEG image, so its name must end in .jpg or .jpeg",
       "attachment_err_name_jpeg"},
      {"the image has no pixels", "attachment_err_image_damaged"},
      {"PNG image is damaged or cannot be read", "attachment_err_image_damaged"},
      {"PNG image is damaged or incomplete", "attachment_err_image_damaged"},
      {"JPEG image is damaged or cannot be read", "attachment_err_image_damaged"},
      {"JPEG image is damaged or incomplete", "attachment_err_image_damaged"},
      {"PDF is damaged or cannot be read", "attachment_err_pdf_damaged"},
      {"PDF has no pages", "attachment_err_pdf_no_pages"},
      {internal::kPdfEncryptedMessage, "attachment_err_pdf_encrypted"},
  };
  for (const auto& [message, key] : kKeys) {
    if (status.message() == message) return key;
  }
  return {};
}

common::StatusOr<SanitizedAttachment> Sanitize(std::string_view filename, std::string_view bytes) {
  if (bytes.size() > kMaxAttachmentBytes) return Invalid("attachment is larger than 10 MB");
  common::StatusOr<Kind> kind = DetectKind(bytes);
  if (!kind.ok()) return kind.status();
  SP_RETURN_IF_ERROR(CheckFilenameMatches(filename, *kind));
  common::StatusOr<std::string> clean =
      *kind == Kind::kPdf ? internal::StripPdf(bytes) : SanitizeImage(bytes, *kind);
  if (!clean.ok()) return clean.status();
  // Belt and braces: whatever happened above, what we hand on has the magic
  // bytes of the kind we report.
  common::StatusOr<Kind> after = DetectKind(*clean);
  if (!after.ok() || *after != *kind) return Status::Internal("sanitising changed the file type");
  return SanitizedAttachment{*kind, std::move(*clean)};
}

}  // namespace media

#pragma GCC diagnostic pop
