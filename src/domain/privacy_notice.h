// File: domain/privacy_notice.h
//
// What a school's privacy page says, derived from the rules the code
// enforces: the retention catalogue (domain/retention.h) says what is stored
// about whom, why and for how long; the permissions (domain/roles.h) say who
// can see it. Pure, no I/O: the page (app/privacy_page_routes.cc) puts these
// facts into words from the `privacy` message catalogue, whose keys are
// named here, so a table, purpose or period added to the catalogue shows up
// on the page (or fails privacy_notice_test for a missing text).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/retention.h"
#include "domain/roles.h"

namespace domain {

// The page's sections, in page order: one per kind of person.
std::span<const DataSubject> NoticeSections();

// Whether a table's rows are about the person of `section`. Tables of every
// account holder (kAnyUser) are in the sections of people with an account:
// student, company contact and staff, not the reporter (who needs none).
bool NoticeShowsTable(const RetentionRule& rule, DataSubject section);

// The catalogue's tables in `section`, in catalogue order.
std::vector<const RetentionRule*> NoticeTables(DataSubject section);

// The purposes of the tables in `section`, each once, in enum order.
std::vector<Purpose> NoticePurposes(DataSubject section);

// Who can see the data of a purpose: the one place that maps purposes to
// permissions. The page lists every role with one of these permissions
// (HasPermission), besides the person themself.
std::span<const Permission> PurposePermissions(Purpose purpose);
std::vector<Role> RolesWhoSee(Purpose purpose);

// The rule whose period decides how long `rule`'s rows are kept: the rule
// itself, or for rows that go with their parent (kWithParent) the nearest
// ancestor with a period or kWhileInUse.
const RetentionRule& GoverningRule(const RetentionRule& rule);

// Message keys of the `privacy` catalogue.
std::string NoticeTableKey(std::string_view table);  // privacy_table_<table>
std::string NoticeSectionKey(DataSubject subject);   // privacy_section_<subject>
std::string NoticePurposeKey(Purpose purpose);       // privacy_purpose_<purpose>
std::string NoticeBasisKey(Purpose purpose);         // privacy_basis_<purpose>
std::string NoticeStartKey(RetentionStart start);    // privacy_start_<start>
// The unit of a period in words: "privacy_unit_<unit>_one" for 1, else
// "privacy_unit_<unit>" ("1 maand", "24 maanden").
std::string NoticeUnitKey(RetentionUnit unit, int value);

// Every key the page may use for the catalogue's current content, for the
// test that both languages have every text.
std::vector<std::string> NoticeMessageKeys();

}  // namespace domain
