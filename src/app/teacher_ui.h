// File: app/teacher_ui.h
//
// A report that staff make for a student reaches the student, not the staff
// member (docs/teacher.md): the student agreed first (a required checkbox),
// the case shows in the student's own account (/mijn-meldingen), and the
// receipt code waits there, sealed with a server key, until the student
// collects it once. The staff member's page names neither code nor content.
// Used by the teacher's "zorg melden" and by the report form's on-behalf path.
#pragma once

#include <string>

#include "app/app.h"

namespace app {

// Seals the receipt's code for the student and records the link (and a mail
// to the student's account naming only the case reference), in one
// transaction. `agreed` is the catalogue key of what the student agreed to.
common::Status HandOverToStudent(App& app, const auth::User& by, const meldpunt::Receipt& receipt,
                                 std::string_view student_id, std::string_view agreed);

// The students.id of the school's student with this number, or kNotFound.
common::StatusOr<std::string> StudentIdByNumber(App& app, std::string_view school_id,
                                                std::string_view student_number);

// "Sent to the meldpunt; the student collects the code in their account",
// with 201. `student_has_account` picks the words for a student who has no
// login yet (the code waits until the coordinator invites them).
web::Response ConcernSentPage(Ctx& ctx, bool student_has_account);

}  // namespace app
