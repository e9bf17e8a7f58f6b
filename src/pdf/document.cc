#include "pdf/document.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>

#include "common/utf8.h"

namespace pdf {

namespace {

using common::Status;
using common::StatusOr;

// A4 in points, and the margins (2 cm).
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.890;
constexpr double kMargin = 56.693;
constexpr double kTextWidth = kPageWidth - 2 * kMargin;
constexpr double kBottom = kPageHeight - kMargin - 20;  // room for the footer
constexpr double kParagraphGap = 6;
constexpr double kSectionGap = 14;

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
struct FontDeleter {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;
using FontPtr = std::unique_ptr<PangoFontDescription, FontDeleter>;

// Draws text top to bottom over as many pages as it takes.
class Writer {
 public:
  explicit Writer(cairo_t* cr, std::string footer) : cr_(cr), footer_(std::move(footer)) {}

  // One block of text in `font`; `keep_with_next` moves a block that would
  // end a page (a heading) to the next one together with what follows.
  void Block(const std::string& text, const char* font, bool keep_with_next = false) {
    LayoutPtr layout = Make(text, font);
    int lines = pango_layout_get_line_count(layout.get());
    PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
    bool first = true;
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      double height = static_cast<double>(logical.height) / PANGO_SCALE;
      // A heading needs room for itself and two lines of what follows.
      double needed = first && keep_with_next ? height * lines + 3 * height : height;
      if (y_ + needed > kBottom && y_ > kMargin) NewPage();
      double baseline =
          static_cast<double>(pango_layout_iter_get_baseline(iter) - logical.y) / PANGO_SCALE;
      cairo_move_to(cr_, kMargin + static_cast<double>(logical.x) / PANGO_SCALE, y_ + baseline);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(iter));
      y_ += height;
      first = false;
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
  }
  void Gap(double points) { y_ += points; }
  // Ends the last page.
  void Finish() { Footer(); }

 private:
  LayoutPtr Make(const std::string& text, const char* font) {
    LayoutPtr layout(pango_cairo_create_layout(cr_));
    FontPtr desc(pango_font_description_from_string(font));
    pango_layout_set_font_description(layout.get(), desc.get());
    pango_layout_set_width(layout.get(), static_cast<int>(kTextWidth * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
  }
  void Footer() {
    std::string text =
        footer_.empty() ? std::to_string(page_) : footer_ + "  ·  " + std::to_string(page_);
    LayoutPtr layout = Make(text, "Sans 8");
    cairo_move_to(cr_, kMargin, kPageHeight - kMargin);
    pango_cairo_show_layout(cr_, layout.get());
  }
  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }

  cairo_t* cr_;
  std::string footer_;
  double y_ = kMargin;
  int page_ = 1;
};

bool AllUtf8(const Document& doc) {
  if (!common::IsValidUtf8(doc.title) || !common::IsValidUtf8(doc.subtitle) ||
      !common::IsValidUtf8(doc.footer))
    return false;
  for (const Section& s : doc.sections) {
    if (!common::IsValidUtf8(s.heading)) return false;
    for (const std::string& p : s.paragraphs)
      if (!common::IsValidUtf8(p)) return false;
  }
  return true;
}

}  // namespace

StatusOr<std::string> Render(const Document& doc) {
  if (!AllUtf8(doc)) return Status::InvalidArgument("is not valid UTF-8", "text");
  std::string out;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(Append, &out, kPageWidth, kPageHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Stagepunt");
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);
  {
    Writer w(cr, doc.footer);
    w.Block(doc.title, "Sans Bold 18");
    if (!doc.subtitle.empty()) {
      w.Gap(2);
      w.Block(doc.subtitle, "Sans 10");
    }
    for (const Section& s : doc.sections) {
      w.Gap(kSectionGap);
      w.Block(s.heading, "Sans Bold 12.5", /*keep_with_next=*/true);
      for (const std::string& p : s.paragraphs) {
        w.Gap(kParagraphGap);
        w.Block(p.empty() ? std::string(" ") : p, "Sans 11");
      }
    }
    w.Finish();
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return Status::Internal(std::string("PDF: ") + cairo_status_to_string(status));
  return out;
}

}  // namespace pdf
