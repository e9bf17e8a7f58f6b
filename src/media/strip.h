// File: media/strip.h
//
// Internal to media: rebuilds a JPEG or PNG from an allow-list of the parts a
// viewer needs to show the pixels (the lists are in media/attachment.h), so
// that metadata exiv2 does not know about, or keeps on purpose, is gone too:
// unknown APPn segments, extended XMP, MPF images, PNG text chunks, data
// after the end marker. Pure byte parsing with bounds checks, no exiv2.
//
// Both functions walk the whole file and refuse (kInvalidArgument, field
// "attachment") anything truncated, out of order or with impossible lengths,
// a PNG chunk with a wrong CRC, and variants we do not accept (JPEG
// extension and hierarchical markers, unknown critical PNG chunks). They are
// idempotent: stripping a stripped image returns the same bytes.
//
// StripPdf (strip_pdf.cc, qpdf) rewrites a PDF without its metadata, scripts,
// forms and embedded files (the list is in media/attachment.h). It refuses
// (kInvalidArgument, field "attachment") what qpdf cannot read, an encrypted
// or password-protected file, and a PDF without pages. qpdf's warnings and
// error texts quote the upload, so they are dropped, never logged.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace media::internal {

common::StatusOr<std::string> StripJpeg(std::string_view bytes);
common::StatusOr<std::string> StripPng(std::string_view bytes);
common::StatusOr<std::string> StripPdf(std::string_view bytes);

inline constexpr std::string_view kPdfEncryptedMessage =
    "PDF is protected with a password or encryption: save it without protection and try again";

}  // namespace media::internal
