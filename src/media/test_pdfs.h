// File: media/test_pdfs.h
//
// PDFs for tests, built with qpdf: a plain one-page PDF, and a hostile one
// that carries every kind of metadata, script and hidden file that
// media::Sanitize must remove (see media/attachment.h), each with a planted
// string from kPdfSecrets so a test can look for it in the output.
#pragma once

#include <memory>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>
#include <string>
#include <string_view>

namespace media::testdata {

// Strings planted in the hostile PDF; none may survive Sanitize.
inline constexpr std::string_view kPdfSecrets[] = {
    "SECRETAUTHOR", "XMPSECRET",      "OPENJSSECRET",      "NAMEDJSSECRET",
    "FORMSECRET",   "EMBEDDEDSECRET", "PAGEJSSECRET",      "PIECESECRET",
    "<script",      "LAUNCHSECRET",   "ANNOTAUTHORSECRET", "THUMBSECRET"};

// What the page draws: must survive.
inline constexpr std::string_view kPdfPageContent = "10 10 m 190 190 l S";

enum class PdfWriteMode { kPlain, kEncryptedNoUserPassword, kUserPassword };

inline std::string WritePdf(QPDF& pdf, PdfWriteMode mode = PdfWriteMode::kPlain) {
  QPDFWriter w(pdf);
  w.setOutputMemory();
  // Uncompressed and without object streams, so the planted strings are in
  // the input as plain bytes (the test checks that they were there).
  w.setObjectStreamMode(qpdf_o_disable);
  w.setCompressStreams(false);
  w.setStaticID(true);
  if (mode == PdfWriteMode::kEncryptedNoUserPassword || mode == PdfWriteMode::kUserPassword) {
    w.setR6EncryptionParameters(mode == PdfWriteMode::kUserPassword ? "geheim" : "", "eigenaar",
                                true, true, true, true, true, true, qpdf_r3p_full, true);
  }
  w.write();
  std::shared_ptr<Buffer> b = w.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
}

// A one-page PDF with `pages` pages that each draw kPdfPageContent.
inline void AddPages(QPDF& pdf, int pages) {
  for (int i = 0; i < pages; ++i) {
    QPDFObjectHandle page = pdf.makeIndirectObject(
        QPDFObjectHandle::parse("<< /Type /Page /MediaBox [0 0 200 200] /Resources << >> >>"));
    page.replaceKey("/Contents", QPDFObjectHandle::newStream(&pdf, std::string(kPdfPageContent)));
    pdf.addPage(page, false);
  }
}

inline std::string PlainPdf(int pages = 1, PdfWriteMode mode = PdfWriteMode::kPlain) {
  QPDF pdf;
  pdf.emptyPDF();
  AddPages(pdf, pages);
  return WritePdf(pdf, mode);
}

// Two pages, plus: Info with an author, catalog XMP, a JavaScript
// OpenAction, a document-level JavaScript name tree, an AcroForm with a
// filled-in field, a comment with its author's name, an embedded file (name
// tree and file-attachment annotation), a link that launches a program, a
// page /AA script, page /PieceInfo, /Thumb and /Metadata, and HTML in a
// comment right after the header and after %%EOF (a PDF/HTML polyglot).
inline std::string HostilePdf() {
  QPDF pdf;
  pdf.emptyPDF();
  AddPages(pdf, 2);
  QPDFObjectHandle root = pdf.getRoot();
  QPDFObjectHandle page = pdf.getAllPages().at(0);

  pdf.getTrailer().replaceKey(
      "/Info", pdf.makeIndirectObject(QPDFObjectHandle::parse(
                   "<< /Author (Jan SECRETAUTHOR) /Creator (Word) /Title (Melding) >>")));

  QPDFObjectHandle xmp = QPDFObjectHandle::newStream(
      &pdf, "<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>XMPSECRET</dc:creator></x:xmpmeta>");
  xmp.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
  xmp.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
  root.replaceKey("/Metadata", xmp);
  page.replaceKey("/Metadata", xmp);

  root.replaceKey("/OpenAction", QPDFObjectHandle::parse(
                                     "<< /S /JavaScript /JS (app.alert\\('OPENJSSECRET'\\)) >>"));

  QPDFObjectHandle embedded = QPDFObjectHandle::newStream(&pdf, "EMBEDDEDSECRET file content");
  embedded.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/EmbeddedFile"));
  QPDFObjectHandle filespec = pdf.makeIndirectObject(
      QPDFObjectHandle::parse("<< /Type /Filespec /F (bijlage.exe) /UF (bijlage.exe) >>"));
  QPDFObjectHandle ef = QPDFObjectHandle::newDictionary();
  ef.replaceKey("/F", embedded);
  filespec.replaceKey("/EF", ef);

  QPDFObjectHandle names = QPDFObjectHandle::newDictionary();
  QPDFObjectHandle ef_tree = QPDFObjectHandle::parse("<< /Names [(bijlage.exe) null] >>");
  ef_tree.getKey("/Names").setArrayItem(1, filespec);
  names.replaceKey("/EmbeddedFiles", ef_tree);
  names.replaceKey("/JavaScript",
                   QPDFObjectHandle::parse(
                       "<< /Names [(init) << /S /JavaScript /JS (NAMEDJSSECRET\\(\\)) >>] >>"));
  root.replaceKey("/Names", names);

  QPDFObjectHandle field = pdf.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /Annot /Subtype /Widget /FT /Tx /T (naam) /V (FORMSECRET) /Rect [10 10 100 30] "
      "/AA << /K << /S /JavaScript /JS (app.alert\\(1\\)) >> >> >>"));
  field.replaceKey("/P", page);
  QPDFObjectHandle acroform = QPDFObjectHandle::newDictionary();
  acroform.replaceKey("/Fields", QPDFObjectHandle::newArray());
  acroform.getKey("/Fields").appendItem(field);
  root.replaceKey("/AcroForm", pdf.makeIndirectObject(acroform));

  QPDFObjectHandle attach = pdf.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /Annot /Subtype /FileAttachment /Rect [120 10 140 30] /Name /Paperclip >>"));
  attach.replaceKey("/FS", filespec);
  QPDFObjectHandle link = pdf.makeIndirectObject(
      QPDFObjectHandle::parse("<< /Type /Annot /Subtype /Link /Rect [10 50 100 70] "
                              "/A << /S /Launch /F (LAUNCHSECRET.exe) >> >>"));
  QPDFObjectHandle note = QPDFObjectHandle::parse(
      "<< /Type /Annot /Subtype /Text /Rect [150 150 170 170] /Contents (zie hier) "
      "/T (ANNOTAUTHORSECRET) /M (D:20260101120000) >>");
  QPDFObjectHandle annots = QPDFObjectHandle::newArray();
  annots.appendItem(field);
  annots.appendItem(attach);
  annots.appendItem(link);
  annots.appendItem(note);
  page.replaceKey("/Annots", annots);
  page.replaceKey("/AA", QPDFObjectHandle::parse(
                             "<< /O << /S /JavaScript /JS (app.alert\\('PAGEJSSECRET'\\)) >> >>"));
  page.replaceKey("/PieceInfo",
                  QPDFObjectHandle::parse("<< /Word << /Private (PIECESECRET) >> >>"));
  QPDFObjectHandle thumb = QPDFObjectHandle::newStream(&pdf, "THUMBSECRET");
  page.replaceKey("/Thumb", thumb);

  QPDFWriter w(pdf);
  w.setOutputMemory();
  w.setObjectStreamMode(qpdf_o_disable);
  w.setCompressStreams(false);
  w.setStaticID(true);
  // A comment line right after "%PDF-1.x": a browser that sniffs the file
  // as HTML runs this script.
  w.setExtraHeaderText("%<html><body><script>alert('polyglot')</script>");
  w.write();
  std::shared_ptr<Buffer> b = w.getBufferSharedPointer();
  std::string out(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
  out += "<html><script>alert('after EOF')</script></html>\n";
  return out;
}

}  // namespace media::testdata
