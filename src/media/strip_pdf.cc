// The PDF half of media/strip.h: qpdf parses the upload, the parts that carry
// metadata or run something are removed from the object graph, and
// QPDFWriter writes a new file from what is left: the objects still reachable
// from the trailer, each written anew (stream data in its own encoding).
// Comments, bytes after %%EOF, unreferenced objects and old revisions
// (incremental updates) are not part of the graph and so are not written.
#include <exception>
#include <memory>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFLogger.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>
#include <string>
#include <vector>

#include "media/strip.h"

namespace media::internal {
namespace {

using common::Status;

constexpr std::string_view kField = "attachment";

Status Refuse(std::string message) {
  return Status::InvalidArgument(std::move(message), std::string(kField));
}

// Keys removed from every dictionary and stream dictionary, wherever they
// are: document and object metadata (XMP streams, application data), and
// the automatic actions of the catalog, pages, annotations and fields.
constexpr std::string_view kDroppedKeys[] = {
    "/Metadata",    // XMP: author, tool, dates, document ids
    "/PieceInfo",   // application private data (often a whole earlier version)
    "/AA",          // additional actions: run on open, close, focus, keystroke, ...
    "/OpenAction",  // the catalog's action on open
    "/JS",          // a JavaScript action's script
    "/EF",          // a file specification's embedded file streams
    "/Thumb",       // a page's thumbnail: may still show the page before an edit
};

// Keys removed from the catalog only.
constexpr std::string_view kDroppedCatalogKeys[] = {
    "/AcroForm",    // interactive form (field values, XFA, submit targets)
    "/Perms",       // signature permissions: refer to the form
    "/Collection",  // portfolio: a PDF that is a wrapper for embedded files
    "/URI",         // base URI for relative links
};

// Entries of the catalog's /Names dictionary that hold scripts and files.
constexpr std::string_view kDroppedNames[] = {"/JavaScript", "/EmbeddedFiles",
                                              "/AlternatePresentations", "/Renditions"};

// Actions that only move around in this document or open a web link; any
// other action (JavaScript, Launch, SubmitForm, ImportData, GoToR, GoToE,
// Rendition, Movie, Sound, ...) is removed together with the key holding it.
bool HarmlessAction(QPDFObjectHandle action) {
  if (!action.isDictionary()) return false;
  QPDFObjectHandle s = action.getKey("/S");
  return s.isNameAndEquals("/GoTo") || s.isNameAndEquals("/URI") || s.isNameAndEquals("/Named");
}

// Annotations that are an embedded file, or play or show something outside
// the page: removed from the page.
bool DroppedAnnotation(QPDFObjectHandle annot) {
  if (!annot.isDictionary()) return false;
  QPDFObjectHandle subtype = annot.getKey("/Subtype");
  for (const char* bad : {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}) {
    if (subtype.isNameAndEquals(bad)) return true;
  }
  return false;
}

// A form field's widget keeps what draws it; its form data (value, name,
// tooltip, parent field) goes with the /AcroForm.
constexpr std::string_view kWidgetKeys[] = {"/Type", "/Subtype", "/Rect",        "/AP",
                                            "/AS",   "/F",       "/P",           "/Border",
                                            "/BS",   "/C",       "/StructParent"};

// Who wrote a comment, and when: dropped from every other annotation.
constexpr std::string_view kAnnotationAuthorKeys[] = {"/T", "/M", "/CreationDate", "/NM"};

void CleanAnnotation(QPDFObjectHandle annot) {
  if (annot.getKey("/Subtype").isNameAndEquals("/Widget")) {
    for (const std::string& key : annot.getKeys()) {
      bool keep = false;
      for (std::string_view k : kWidgetKeys) keep = keep || key == k;
      if (!keep) annot.removeKey(key);
    }
    return;
  }
  for (std::string_view key : kAnnotationAuthorKeys) annot.removeKey(std::string(key));
}

// Cleans one dictionary (or a stream's dictionary) and, recursively, the
// direct objects inside it. Indirect objects are cleaned on their own turn
// (every one of them is visited), so references are not followed here.
void CleanObject(QPDFObjectHandle obj, int depth) {
  // Direct nesting deeper than this does not occur in real files; qpdf's
  // parser limits it too, so this only keeps the recursion bounded.
  if (depth > 64) return;
  if (obj.isArray()) {
    for (const QPDFObjectHandle& item : obj.aitems()) {
      if (!item.isIndirect()) CleanObject(item, depth + 1);
    }
    return;
  }
  QPDFObjectHandle dict = obj.isStream() ? obj.getDict() : obj;
  if (!dict.isDictionary()) return;
  for (std::string_view key : kDroppedKeys) dict.removeKey(std::string(key));
  // /A (annotations, outline items) and /Next (chained actions).
  for (const char* key : {"/A", "/Next"}) {
    if (dict.hasKey(key) && !HarmlessAction(dict.getKey(key))) dict.removeKey(key);
  }
  QPDFObjectHandle annots = dict.getKey("/Annots");
  if (annots.isArray()) {
    std::vector<QPDFObjectHandle> kept;
    for (QPDFObjectHandle a : annots.aitems()) {
      if (DroppedAnnotation(a)) continue;
      if (a.isDictionary()) CleanAnnotation(a);
      kept.push_back(a);
    }
    if (static_cast<int>(kept.size()) != annots.getArrayNItems()) annots.setArrayFromVector(kept);
  }
  for (const auto& item : dict.ditems()) {
    if (!item.second.isIndirect()) CleanObject(item.second, depth + 1);
  }
}

// The catalog (the trailer's /Root, whatever its /Type says).
void CleanCatalog(QPDFObjectHandle root) {
  for (std::string_view key : kDroppedCatalogKeys) root.removeKey(std::string(key));
  QPDFObjectHandle names = root.getKey("/Names");
  if (names.isDictionary()) {
    for (std::string_view key : kDroppedNames) names.removeKey(std::string(key));
  }
}

// qpdf's warnings quote names and offsets from the upload: they go nowhere,
// through a logger of this QPDF object only (the default logger is shared by
// the whole process and writes to stderr).
void Silence(QPDF& pdf) {
  std::shared_ptr<QPDFLogger> logger = QPDFLogger::create();
  logger->setInfo(logger->discard());
  logger->setWarn(logger->discard());
  logger->setError(logger->discard());
  pdf.setLogger(logger);
  pdf.setSuppressWarnings(true);
}

size_t PageCount(QPDF& pdf) { return pdf.getAllPages().size(); }

}  // namespace

common::StatusOr<std::string> StripPdf(std::string_view bytes) {
  try {
    QPDF pdf;
    Silence(pdf);
    pdf.processMemoryFile("attachment", bytes.data(), bytes.size());
    // An encrypted file is refused even when it opens without a password:
    // writing it unencrypted would change what its author chose, and its
    // contents could not be checked without the owner's password either.
    if (pdf.isEncrypted()) {
      return Refuse(std::string(kPdfEncryptedMessage));
    }
    const size_t pages = PageCount(pdf);
    if (pages == 0) return Refuse("PDF has no pages");

    QPDFObjectHandle trailer = pdf.getTrailer();
    trailer.removeKey("/Info");  // document information: author, title, tool, dates
    // The file identifier: the writer would keep its first half, which ties
    // the cleaned file to the author's original. A new one is derived below.
    trailer.removeKey("/ID");
    QPDFObjectHandle root = pdf.getRoot();
    if (!root.isDictionary()) return Refuse("PDF is damaged or cannot be read");
    CleanCatalog(root);
    CleanObject(trailer, 0);
    for (const QPDFObjectHandle& obj : pdf.getAllObjects()) CleanObject(obj, 0);

    QPDFWriter writer(pdf);
    writer.setOutputMemory();
    writer.setPreserveEncryption(false);
    // Generated object streams: dictionaries and strings are written fresh
    // and compressed, none is carried over in the upload's own layout.
    writer.setObjectStreamMode(qpdf_o_generate);
    writer.setCompressStreams(true);
    // Stream data (page contents, images, fonts) is copied in its own
    // encoding, never decoded: a small upload that inflates to gigabytes
    // costs nothing, and the pixels and glyphs stay exactly as they were.
    writer.setDecodeLevel(qpdf_dl_none);
    writer.setPreserveUnreferencedObjects(false);  // what was only referenced by a removed key goes
    writer.setDeterministicID(true);  // the /ID is a hash of the content, not of time or name
    writer.write();
    std::shared_ptr<Buffer> buffer = writer.getBufferSharedPointer();
    std::string out(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());

    // Belt and braces: what we wrote must read back, whole, with the same
    // number of pages.
    QPDF check;
    Silence(check);
    check.setAttemptRecovery(false);
    check.processMemoryFile("cleaned attachment", out.data(), out.size());
    if (PageCount(check) != pages || check.getTrailer().hasKey("/Info")) {
      return Status::Internal("the rewritten PDF does not read back as cleaned");
    }
    return out;
  } catch (const QPDFExc& e) {
    // The message may quote bytes of the upload: not passed on.
    if (e.getErrorCode() == qpdf_e_password) {
      return Refuse(std::string(kPdfEncryptedMessage));
    }
  } catch (const std::exception&) {
  }
  return Refuse("PDF is damaged or cannot be read");
}

}  // namespace media::internal
