// File: pdf/document.h
//
// A plain text document as PDF: a title, an optional line under it, and
// sections of a heading with paragraphs. This is how the meldpunt's
// hand-over summary of a referral (meldpunt/referral.h) is printed and
// downloaded, beside the same content as an HTML page.
//
// The text is laid out by Pango (real line breaking, any script, hyphenless
// word wrap that still breaks an overlong word) and drawn on Cairo's PDF
// surface; pages break between lines, a heading never ends a page, and every
// page carries the footer and its page number. The fonts are embedded as
// subsets with their Unicode map, so the text can be selected, searched and
// read aloud.
//
// The text is set as text, never as Pango markup, so nothing in a paragraph
// can change the layout. The PDF's metadata names only the creator and the
// title given here: put no personal data in the title.
//
//   pdf::Document doc{.title = "Doorverwijzing", .subtitle = "ROC Demo, 7 december 2026",
//                     .sections = {{"Wat er gebeurde", {"...", "..."}}},
//                     .footer = "Vertrouwelijk"};
//   SP_ASSIGN_OR_RETURN(std::string bytes, pdf::Render(doc));
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace pdf {

struct Section {
  std::string heading;
  std::vector<std::string> paragraphs;  // each may hold line breaks ('\n'), kept as they are
};

struct Document {
  std::string title;
  std::string subtitle;  // "" for none
  std::vector<Section> sections;
  std::string footer;  // on every page, before "n" (the page number); "" for the number only
};

// A4 portrait, 2 cm margins, a sans-serif face at 11 pt. kInvalidArgument
// for text that is not UTF-8 (field "text"); kInternal when Cairo fails.
common::StatusOr<std::string> Render(const Document& doc);

}  // namespace pdf
