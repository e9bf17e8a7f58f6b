#include "domain/placement.h"

#include <gtest/gtest.h>

namespace domain {
namespace {

TEST(PlacementCodes, CreboLeerbedrijfKvk) {
  EXPECT_TRUE(IsCrebo("25998"));
  EXPECT_FALSE(IsCrebo("2599"));
  EXPECT_FALSE(IsCrebo("25a98"));
  EXPECT_FALSE(IsCrebo("259981"));
  EXPECT_TRUE(IsLeerbedrijfId("100077736"));
  EXPECT_FALSE(IsLeerbedrijfId(""));
  EXPECT_FALSE(IsLeerbedrijfId("1234567890123"));
  EXPECT_TRUE(IsKvk("12345678"));
  EXPECT_FALSE(IsKvk("1234567"));
}

TEST(PlacementCodes, PathwayAndLevel) {
  EXPECT_EQ(ParsePathway("bol"), Pathway::kBol);
  EXPECT_EQ(ParsePathway("BOLDT"), Pathway::kBol);
  EXPECT_EQ(ParsePathway("BBL"), Pathway::kBbl);
  EXPECT_FALSE(ParsePathway("EX"));
  EXPECT_EQ(ParseLevel("Entree"), 1);
  EXPECT_EQ(ParseLevel("MBO-3"), 3);
  EXPECT_EQ(ParseLevel("4"), 4);
  EXPECT_FALSE(ParseLevel("5"));
  EXPECT_FALSE(ParseLevel(""));
}

TEST(PlacementTravel, HaversineUtrechtAmersfoort) {
  // Utrecht centre to Amersfoort centre: about 20 km as the crow flies.
  double km = HaversineKm({52.0907, 5.1214}, {52.1561, 5.3878});
  EXPECT_NEAR(km, 19.6, 0.5);
  EXPECT_DOUBLE_EQ(HaversineKm({52, 5}, {52, 5}), 0.0);
}

TEST(PlacementTravel, EstimatesPerMode) {
  // 10 km straight line = 13 km of road.
  EXPECT_EQ(EstimateTravelMinutes(10, Transport::kWalk), 156);
  EXPECT_EQ(EstimateTravelMinutes(10, Transport::kBike), 54);
  EXPECT_EQ(EstimateTravelMinutes(10, Transport::kPublicTransport), 38);
  EXPECT_EQ(EstimateTravelMinutes(10, Transport::kCar), 25);
  EXPECT_EQ(EstimateTravelMinutes(0, Transport::kBike), 2);
  EXPECT_FALSE(EstimateTravelMinutes(std::nullopt, Coordinates{52, 5}, Transport::kBike));
  EXPECT_EQ(EstimateTravelMinutes(Coordinates{52, 5}, Coordinates{52, 5}, Transport::kCar), 5);
}

TEST(PlacementTravel, Bands) {
  EXPECT_EQ(BandFor(0), TravelBand::k0To15);
  EXPECT_EQ(BandFor(15), TravelBand::k0To15);
  EXPECT_EQ(BandFor(16), TravelBand::k15To30);
  EXPECT_EQ(BandFor(30), TravelBand::k15To30);
  EXPECT_EQ(BandFor(45), TravelBand::k30To45);
  EXPECT_EQ(BandFor(46), TravelBand::k45Plus);
  EXPECT_EQ(BandFor(std::nullopt), TravelBand::kUnknown);
  EXPECT_EQ(BandPriority(TravelBand::k0To15), 0);
  EXPECT_EQ(BandPriority(TravelBand::kUnknown), BandPriority(TravelBand::k45Plus));
  for (int p = 0; p < 4; ++p) EXPECT_EQ(BandPriority(BandFromPriority(p)), p);
  EXPECT_EQ(BandLabel(TravelBand::k0To15, false), "0\u201315 min");
  EXPECT_EQ(BandLabel(TravelBand::kUnknown, true), "unknown");
}

TEST(PlacementRounds, Transitions) {
  EXPECT_TRUE(MayTransition(RoundStatus::kDraft, RoundStatus::kOpen));
  EXPECT_TRUE(MayTransition(RoundStatus::kOpen, RoundStatus::kClosed));
  EXPECT_TRUE(MayTransition(RoundStatus::kClosed, RoundStatus::kProposed));
  EXPECT_TRUE(MayTransition(RoundStatus::kProposed, RoundStatus::kProposed));
  EXPECT_TRUE(MayTransition(RoundStatus::kProposed, RoundStatus::kPublished));
  EXPECT_FALSE(MayTransition(RoundStatus::kPublished, RoundStatus::kProposed));
  EXPECT_FALSE(MayTransition(RoundStatus::kOpen, RoundStatus::kPublished));
  EXPECT_FALSE(MayTransition(RoundStatus::kDraft, RoundStatus::kProposed));
  EXPECT_TRUE(IsActive(RoundStatus::kClosed));
  EXPECT_FALSE(IsActive(RoundStatus::kPublished));
  EXPECT_FALSE(IsActive(RoundStatus::kDraft));
  for (RoundStatus s : {RoundStatus::kDraft, RoundStatus::kOpen, RoundStatus::kClosed,
                        RoundStatus::kProposed, RoundStatus::kPublished})
    EXPECT_EQ(ParseRoundStatus(Name(s)), s);
}

TEST(PlacementRounds, VisibleFromLeadTime) {
  Date start = MakeDate(2026, 9, 1);
  EXPECT_EQ(VisibleFrom(MakeDate(2026, 6, 1), start, 14), MakeDate(2026, 8, 18));
  // Published late: visible at once, never in the past.
  EXPECT_EQ(VisibleFrom(MakeDate(2026, 8, 25), start, 14), MakeDate(2026, 8, 25));
}

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

TEST(PlacementImport, HeaderAliasesAndMissingColumns) {
  std::vector<FieldIssue> issues;
  ColumnMap m = MapColumns(ImportKind::kStudents,
                           Split("Studentnummer,Naam,crebo,Niveau,Leerweg,cohort,extra"), &issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(m.Find("student_number"), 0);
  EXPECT_EQ(m.Find("pathway"), 4);
  EXPECT_EQ(m.Find("lat"), -1);

  issues.clear();
  MapColumns(ImportKind::kPlaces, Split("leerbedrijf_id,crebo,period,periode"), &issues);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].message, "column period appears twice");
  EXPECT_EQ(issues[1].message, "missing column capacity");
}

TEST(PlacementImport, StudentRow) {
  std::vector<FieldIssue> issues;
  ColumnMap m = MapColumns(
      ImportKind::kStudents,
      Split("student_number,name,crebo,level,pathway,cohort,location,lat,lon"), &issues);
  StudentRow row;
  EXPECT_TRUE(ParseStudentRow(m, Split("2100001, Sam Demo ,25998,3,BOLVT,2025,Utrecht,52.09,5.12"),
                              &row)
                  .empty());
  EXPECT_EQ(row.student_number, "2100001");
  EXPECT_EQ(row.name, "Sam Demo");
  EXPECT_EQ(row.level, 3);
  EXPECT_EQ(row.pathway, Pathway::kBol);
  ASSERT_TRUE(row.coordinates);
  EXPECT_DOUBLE_EQ(row.coordinates->lat, 52.09);

  StudentRow bad;
  auto got = ParseStudentRow(m, Split("21 00,,12,5,EX,,,52.1,"), &bad);
  ASSERT_EQ(got.size(), 7u);
  EXPECT_EQ(got[0].field, "student_number");
  EXPECT_EQ(got[1].message, "name is empty");
  EXPECT_EQ(got[2].message, "crebo \"12\" is not a 5-digit crebo code");
  EXPECT_EQ(got[3].message, "level \"5\" is not 1, 2, 3, 4 or Entree");
  EXPECT_EQ(got[4].message, "pathway \"EX\" is not BOL or BBL");
  EXPECT_EQ(got[5].message, "cohort is empty");
  EXPECT_EQ(got[6].message, "lat and lon must be given together");
}

TEST(PlacementImport, CompanyRow) {
  std::vector<FieldIssue> issues;
  ColumnMap m = MapColumns(ImportKind::kCompanies,
                           Split("leerbedrijf_id,name,kvk,crebos,erkend"), &issues);
  ASSERT_TRUE(issues.empty());
  CompanyRow row;
  EXPECT_TRUE(ParseCompanyRow(m, Split("100001,Bakkerij,12345678,25998;25655 25998,nee"), &row)
                  .empty());
  EXPECT_EQ(row.crebos, (std::vector<std::string>{"25655", "25998"}));
  EXPECT_EQ(row.sbb_recognised, false);

  CompanyRow bad;
  auto got = ParseCompanyRow(m, Split("10x,Naam,123,2599,misschien"), &bad);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].field, "leerbedrijf_id");
  EXPECT_EQ(got[1].field, "kvk");
  EXPECT_EQ(got[2].message, "crebos: \"2599\" is not a 5-digit crebo code");
  EXPECT_EQ(got[3].field, "sbb_recognised");
}

TEST(PlacementImport, PlaceRow) {
  std::vector<FieldIssue> issues;
  ColumnMap m = MapColumns(ImportKind::kPlaces,
                           Split("leerbedrijf_id,crebo,capacity,period,description"), &issues);
  PlaceRow row;
  EXPECT_TRUE(ParsePlaceRow(m, Split("100001,25998,3,2026 P1,Backend"), &row).empty());
  EXPECT_EQ(row.capacity, 3);
  EXPECT_EQ(row.period, "2026 P1");
  PlaceRow zero;
  EXPECT_TRUE(ParsePlaceRow(m, Split("100001,25998,0,2026 P1,"), &zero).empty());

  PlaceRow bad;
  auto got = ParsePlaceRow(m, Split("100001,25998,-1,,"), &bad);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].message, "capacity \"-1\" is below 0");
  EXPECT_EQ(got[1].message, "period is empty");
  got = ParsePlaceRow(m, Split("100001,25998,2.5,P,"), &bad);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message, "capacity \"2.5\" is not a whole number");
}

TEST(PlacementExplain, Ordinals) {
  EXPECT_EQ(Ordinal(1, true), "1st");
  EXPECT_EQ(Ordinal(2, true), "2nd");
  EXPECT_EQ(Ordinal(3, true), "3rd");
  EXPECT_EQ(Ordinal(4, true), "4th");
  EXPECT_EQ(Ordinal(11, true), "11th");
  EXPECT_EQ(Ordinal(12, true), "12th");
  EXPECT_EQ(Ordinal(22, true), "22nd");
  EXPECT_EQ(Ordinal(2, false), "2e");
}

TEST(PlacementExplain, Sentences) {
  StudentOutcome first{true, 1, true, false, std::nullopt};
  EXPECT_EQ(ExplainOutcome(first, true), "You got your 1st choice.");
  EXPECT_EQ(ExplainOutcome(first, false), "Je hebt je 1e keus gekregen.");

  StudentOutcome second{true, 2, true, false,
                        MissedChoice{1, MissReason::kFullCloser, TravelBand::k30To45,
                                     TravelBand::k0To15}};
  EXPECT_EQ(ExplainOutcome(second, true),
            "You got your 2nd choice. Your 1st choice was full: the places went to students "
            "who live closer (band 0\u201315 min).");
  EXPECT_EQ(ExplainOutcome(second, false),
            "Je hebt je 2e keus gekregen. Je 1e keus was vol: de plaatsen gingen naar "
            "studenten die dichterbij wonen (band 0\u201315 min).");

  StudentOutcome lottery{true, 3, true, false,
                         MissedChoice{1, MissReason::kFullLottery, TravelBand::k15To30,
                                      TravelBand::k15To30}};
  EXPECT_NE(ExplainOutcome(lottery, true).find("same travel band (15\u201330 min) with a better "
                                               "lottery number"),
            std::string::npos);

  StudentOutcome unplaced{true, std::nullopt, false, false,
                          MissedChoice{1, MissReason::kNotTakingPart}};
  std::string text = ExplainOutcome(unplaced, false);
  EXPECT_NE(text.find("niet geplaatst"), std::string::npos);
  EXPECT_NE(text.find("neemt deze ronde geen studenten aan"), std::string::npos);
  // Exclusion reasons are never told to the student.
  EXPECT_EQ(text.find("gepauzeerd"), std::string::npos);
  EXPECT_EQ(text.find("norm"), std::string::npos);

  StudentOutcome none{false, std::nullopt, false, false, std::nullopt};
  EXPECT_NE(ExplainOutcome(none, true).find("did not choose"), std::string::npos);

  StudentOutcome manual{true, std::nullopt, true, true, std::nullopt};
  EXPECT_EQ(ExplainOutcome(manual, true), "Your coordinator chose this place for you.");
}

TEST(PlacementBpvo, RecordAndCsv) {
  BpvoRecord r{"2100001", "99DM", 1, "100001", "25998", MakeDate(2026, 9, 1),
               MakeDate(2027, 1, 31), 400};
  EXPECT_TRUE(ValidateBpvo(r).ok());
  EXPECT_EQ(BpvoCsvLine(r), "2100001,99DM,1,100001,25998,2026-09-01,2027-01-31,400\n");
  EXPECT_EQ(BpvoCsvHeader(),
            "Studentnummer,BRIN,Volgnummer,LeerbedrijfID,Opleidingcode,DatumBegin,"
            "DatumEindGepland,Omvang\n");
  BpvoRecord late = r;
  late.end_planned = late.begin;
  EXPECT_EQ(ValidateBpvo(late).field(), "begin");
  BpvoRecord hours = r;
  hours.hours = 0;
  EXPECT_EQ(ValidateBpvo(hours).field(), "hours");
  BpvoRecord crebo = r;
  crebo.crebo = "K0067";
  EXPECT_EQ(ValidateBpvo(crebo).field(), "crebo");
}

TEST(PlacementBpvo, CsvLineGuardsEveryTextFieldAndKeepsNumbers) {
  // The BPVO file goes to BRON through a spreadsheet as often as not: a
  // student number the school typed as "=..." or with a leading TAB must not
  // become a formula, and the numbers must stay numbers. Quotes only where
  // RFC 4180 needs them (common/csv.h), as in every other CSV we write.
  BpvoRecord r{
      "\t=1+1", "99DM", 2, "100012345", "25168", MakeDate(2026, 2, 1), MakeDate(2026, 6, 30), 400};
  EXPECT_EQ(BpvoCsvLine(r), "'\t=1+1,99DM,2,100012345,25168,2026-02-01,2026-06-30,400\n");
  r.student_number = "\r-1";
  EXPECT_EQ(BpvoCsvLine(r).substr(0, 7), "\"'\r-1\",");
  r.student_number = "de Vries, 12";
  EXPECT_EQ(BpvoCsvLine(r).substr(0, 15), "\"de Vries, 12\",");
}

}  // namespace
}  // namespace domain
