// File: media/attachment.h
//
// Report attachments (mostly screenshots of messages) are checked and cleaned
// here before they are encrypted and stored (promise P14, safe uploads):
//
//   auto clean = media::Sanitize(upload.filename, upload.bytes);
//   if (!clean.ok()) return clean.status();          // kInvalidArgument, field "attachment"
//   EncryptStream(case_key, clean->bytes, ...);      // store clean->kind beside it
//
// Rules:
//   - only PDF, PNG and JPEG, recognised by their magic bytes; never by the
//     name or by the Content-Type the browser sent;
//   - at most kMaxAttachmentBytes (10 MB) each;
//   - the file name's extension must agree with the content (a PNG named
//     "brief.pdf" is refused, so a file never opens in another program than
//     the one its name promises). The name is only looked at, never used as a
//     path or stored by this module; callers name stored files themselves and
//     offer downloads as "bijlage-N." + Extension(kind).
//
// What happens to images (PNG, JPEG): they are rebuilt from an allow-list of
// the parts needed to show the pixels, and everything else is dropped:
//   JPEG  kept: frame, Huffman/quantisation/restart tables and scans, a JFIF
//         header (rewritten without its thumbnail) and the Adobe colour
//         transform marker. Dropped: every other APPn segment (Exif with GPS
//         and its thumbnail, XMP and extended XMP, IPTC/Photoshop, ICC, MPF
//         and the extra images it points to), comments, anything after EOI.
//   PNG   kept: IHDR, PLTE, tRNS, gAMA, cHRM, sRGB, IDAT, IEND. Dropped: text
//         chunks (tEXt, zTXt, iTXt: comments, XMP, "Raw profile" Exif), eXIf,
//         iCCP, tIME, pHYs, animation and private chunks, anything after IEND.
//   ICC colour profiles are dropped: they can name the device and its maker,
//   and a screenshot stays readable without one (wide-gamut photos may look
//   slightly duller).
// Then exiv2 reads the result, clears whatever metadata it still finds and
// writes it out again, and a last exiv2 read must find no Exif, IPTC, XMP,
// comment or ICC profile and a picture of at least 1x1 pixels. Running the
// allow-list first means exiv2's metadata parsers never see the uploader's
// Exif or XMP at all. Pixels are not decoded or re-encoded: the compressed
// picture data is copied byte for byte, so quality is unchanged. A truncated or damaged structure
// (missing EOI/IEND, bad PNG checksum, impossible lengths) is refused.
// Because the Exif orientation goes too, a phone photo taken upright may
// show turned on its side; screenshots carry no orientation.
//
// What happens to PDFs: qpdf reads the whole file and QPDFWriter writes a
// new one (media/strip_pdf.cc), after removing:
//   - the trailer's /Info (author, title, creator tool, dates) and /ID;
//   - from every object: /Metadata (XMP, of the document and of images),
//     /PieceInfo, /Thumb (a page thumbnail may show the page before an
//     edit), the automatic actions /OpenAction and /AA, /JS, a file
//     specification's /EF, and every action other than GoTo, URI and Named
//     (JavaScript, Launch, SubmitForm, ImportData, GoToR, GoToE, ...);
//   - from the catalog: /AcroForm (form data, XFA), /Perms, /Collection,
//     /URI, and the /JavaScript, /EmbeddedFiles, /AlternatePresentations and
//     /Renditions name trees;
//   - from the pages: FileAttachment, Sound, Movie, Screen, RichMedia and 3D
//     annotations; a form field's widget keeps only what draws it (its value
//     stays visible as drawn, its form data goes); other annotations lose
//     their author and dates (/T, /M, /CreationDate, /NM).
// The new file starts with "%PDF-", has generated (compressed) object
// streams, a content-derived /ID and no encryption; comments, bytes after
// %%EOF, earlier revisions and objects nothing refers to any more are not
// written. Pages, their content and images are copied as they are (stream
// data is never decoded), so text stays selectable. Not removed: what a
// page itself draws or hides (white on white, hidden optional-content
// layers), since that would need re-rendering the page. A PDF that qpdf
// cannot read, that is encrypted (even without a user password) or has no
// pages is refused; so is one with bytes before "%PDF-" (DetectKind). Still serve PDFs only as a download
// (Content-Disposition: attachment, nosniff).
//
// Error messages never repeat the file name or content, so they are safe to
// show and to log. Thread-safety: every function may be called from any
// number of threads at once. The first image sanitised sets up exiv2 once for
// the whole process (XMP toolkit with a lock; exiv2's log output muted, so
// nothing about an upload reaches stderr); other code in the process must
// not start exiv2's XMP toolkit before that.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace media {

enum class Kind { kPdf, kPng, kJpeg };

// "application/pdf", "image/png", "image/jpeg".
std::string_view MimeType(Kind kind);
// The canonical extension without the dot: "pdf", "png", "jpg".
std::string_view Extension(Kind kind);

inline constexpr size_t kMaxAttachmentBytes = 10 * 1024 * 1024;

// The kind of `bytes` by magic bytes alone: "%PDF-", the 8-byte PNG
// signature, or FF D8 FF for JPEG, each at offset 0. Anything else (empty,
// GIF, HTML, executables, ...) is kInvalidArgument with field "attachment".
// Only the first bytes are read: a match says nothing about the rest.
common::StatusOr<Kind> DetectKind(std::string_view bytes);

// OK when `filename` ends in an extension of `kind`, compared without regard
// to ASCII case: .pdf; .png; .jpg or .jpeg. A name without an extension, or
// with another one, is kInvalidArgument with field "attachment". Whatever
// precedes the last dot (including any directory part an old browser sent)
// is ignored.
common::Status CheckFilenameMatches(std::string_view filename, Kind kind);

struct SanitizedAttachment {
  Kind kind;
  std::string bytes;  // what to encrypt and store; never the upload as sent
};

// The whole check, in this order: size (≤ kMaxAttachmentBytes, else
// kInvalidArgument mentioning 10 MB), DetectKind, CheckFilenameMatches, then
// the cleaning described above, checking the magic bytes again at the end. Every refusal of the
// input is kInvalidArgument with field "attachment"; kInternal would mean the cleaning itself
// failed (a bug). Never throws: exceptions from exiv2 and qpdf become kInvalidArgument.
common::StatusOr<SanitizedAttachment> Sanitize(std::string_view filename, std::string_view bytes);

// The message key of a refusal by Sanitize ("attachment_err_...", in the
// views catalogues media.nl.txt and media.en.txt), so a page can say it in
// the reader's language; "" for any other status. The status messages stay
// English for logs and tests.
std::string_view RefusalKey(const common::Status& status);

}  // namespace media
