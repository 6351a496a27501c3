// The handout and consent PDFs checked with third-party tools (poppler-utils, qpdf): the file
// is structurally sound, every font is embedded with a Unicode map, the text a patient needs
// is on the page (every session date, preparation and aftercare text, the consent version and
// risks, Unicode names), the title is in the metadata, and A4 and Letter have their sizes.
#include "interop/documents.h"

#include "core/errors.h"
#include "interop_test_support.h"
#include "clinic/consent.h"
#include "test_support.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

namespace dermaplan::interop {
namespace {

using testing::run_tool;
using testing::ScratchDir;
using testing::squeeze_spaces;

// Names with accents, in Greek, Cyrillic and Chinese script, and in Arabic (right to left).
const std::string kPatientLtr = "Zoë Ørsted-Nguyễn (Ελένη Олег 王小明";
const std::string kPatientRtl = "ليلى";
const std::string kPatient = kPatientLtr + " " + kPatientRtl + ")";

/// pdftotext writes right-to-left runs in visual order with bidi marks and stray spaces;
/// compare Arabic text without them.
std::string without_bidi_marks_and_spaces(const std::string& text) {
  static const std::regex marks("\xE2\x80[\x8E\x8F\xAA-\xAE]| ");
  return std::regex_replace(text, marks, "");
}

void expect_patient_name(const std::string& text) {
  EXPECT_NE(text.find(kPatientLtr), std::string::npos) << "the accented, Greek, Cyrillic and Chinese name";
  EXPECT_NE(without_bidi_marks_and_spaces(text).find(kPatientRtl), std::string::npos) << "the Arabic name";
}

Practice example_practice() {
  return parse_practice(testing::read_file(std::filesystem::path(DERMAPLAN_EXAMPLES_DIR) / "practice.yaml"),
                        "practice.yaml");
}

HandoutInput example_handout(HandoutCopy copy) {
  HandoutInput in;
  in.plan = testing::example_plan();
  in.practice = example_practice();
  in.patient_name = kPatient;
  in.patient_birth_date = parse_civil_date("1990-04-02");
  in.prepared_on = *parse_civil_date("2026-11-22");
  for (const auto& risk : testing::bundled_kb().risks) in.risks.push_back(risk.text);
  in.copy = copy;
  return in;
}

/// A small signature drawn with cairo, as PNG bytes.
std::string signature_png() {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 100);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.5);
  cairo_set_line_width(cr, 3);
  cairo_move_to(cr, 10, 70);
  cairo_curve_to(cr, 80, 0, 150, 100, 290, 30);
  cairo_stroke(cr);
  std::string png;
  cairo_surface_write_to_png_stream(
      surface,
      [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return png;
}

ConsentDocument example_consent() {
  const auto& kb = testing::bundled_kb();
  const auto form = clinic::consent_form(kb, kb.find_indication("acne-scars"));
  ConsentDocument c;
  c.practice = example_practice();
  c.patient_name = kPatient;
  c.patient_birth_date = parse_civil_date("1990-04-02");
  c.text_version = form.version;
  c.consent_text = form.text;
  c.consented_by = kPatient;
  c.consented_at_ms = 1'795'000'000'000;  // 2026-11-18 ...
  c.recorded_by = "Dr. Ana Lúcia Gonçalves";
  c.recorded_at_ms = 1'795'000'060'000;
  c.signature_image = signature_png();
  c.signature_content_type = "image/png";
  c.acknowledged = static_cast<int>(kb.consent.items.size() + kb.risks.size());
  c.photo_use = records::PhotoUse::record_only;
  return c;
}

/// What the tools say about one PDF file.
struct Checked {
  std::string text;   //!< pdftotext -layout, whitespace squeezed
  /// pdftotext in reading order (no -layout), whitespace squeezed: a cell of several lines reads
  /// as one text there (in -layout its lines interleave with the next column's).
  std::string flow;
  std::string info;   //!< pdfinfo
  std::string fonts;  //!< pdffonts
};

Checked check_pdf(const ScratchDir& dir, const std::string& name, const std::string& pdf) {
  const auto path = dir / name;
  testing::write_file(path, pdf);
  Checked out;
  const auto qpdf = run_tool("qpdf --check '" + path.string() + "'");
  EXPECT_EQ(qpdf.exit_code, 0) << "qpdf --check (install qpdf: scripts/setup.sh --with-test-tools)\n" << qpdf.output;
  EXPECT_NE(qpdf.output.find("No syntax or stream encoding errors found"), std::string::npos) << qpdf.output;

  const auto fonts = run_tool("pdffonts '" + path.string() + "'");
  EXPECT_EQ(fonts.exit_code, 0) << "pdffonts (install poppler-utils)\n" << fonts.output;
  out.fonts = fonts.output;
  // name type encoding emb sub uni object ID: the three yes/no columns come before the id.
  std::istringstream lines(fonts.output);
  std::string line;
  int font_rows = 0;
  const std::regex row(R"((yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$)");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++font_rows;
    EXPECT_EQ(m[1], "yes") << "not embedded: " << line;
    EXPECT_EQ(m[3], "yes") << "no Unicode map: " << line;
  }
  EXPECT_GT(font_rows, 0) << fonts.output;

  const auto text = run_tool("pdftotext -layout -enc UTF-8 '" + path.string() + "' -");
  EXPECT_EQ(text.exit_code, 0) << text.output;
  out.text = squeeze_spaces(text.output);
  const auto flow = run_tool("pdftotext -enc UTF-8 '" + path.string() + "' -");
  EXPECT_EQ(flow.exit_code, 0) << flow.output;
  out.flow = squeeze_spaces(flow.output);
  const auto info = run_tool("pdfinfo '" + path.string() + "'");
  EXPECT_EQ(info.exit_code, 0) << info.output;
  out.info = info.output;
  return out;
}

DocumentOptions on_letter() {
  DocumentOptions options;
  options.paper = Paper::letter;
  return options;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(squeeze_spaces(needle)) != std::string::npos;
}

TEST(HandoutPdf, ToolsFindEverySessionPreparationAndAftercareText) {
  ScratchDir dir("handout");
  const HandoutInput in = example_handout(HandoutCopy::patient);
  const Checked pdf = check_pdf(dir, "handout.pdf", handout_pdf(in));
  ASSERT_FALSE(in.plan.sessions.empty());
  for (const auto& s : in.plan.sessions) EXPECT_TRUE(contains(pdf.text, patient_date(s.date))) << "session " << s.number;
  ASSERT_FALSE(in.plan.preparation.empty());
  for (const auto& t : in.plan.preparation) {
    if (t.done_by != TaskDoer::patient) continue;  // the practitioner's: see below
    EXPECT_TRUE(contains(pdf.text, t.task)) << t.id;
    EXPECT_TRUE(contains(pdf.text, patient_date(t.due))) << t.id;
  }
  ASSERT_FALSE(in.plan.aftercare.empty());
  for (const auto& a : in.plan.aftercare) EXPECT_TRUE(contains(pdf.flow, a.instruction)) << a.id;
  EXPECT_TRUE(contains(pdf.text, "Day 0–1")) << "the day-by-day timeline";
  EXPECT_TRUE(contains(pdf.text, "Day 0–14"));
  expect_patient_name(pdf.text);
  EXPECT_TRUE(contains(pdf.text, in.practice.name));
  EXPECT_TRUE(contains(pdf.text, in.practice.phone));
  for (const auto& sign : in.practice.warning_signs) EXPECT_TRUE(contains(pdf.text, sign));
  EXPECT_TRUE(contains(pdf.text, patient_date(*in.plan.assessment_date)));
  EXPECT_TRUE(std::regex_search(pdf.info, std::regex("Title:\\s+Your microneedling course: Atrophic acne scars\n")))
      << pdf.info;
  EXPECT_NE(pdf.info.find("(A4)"), std::string::npos) << pdf.info;
}

TEST(HandoutPdf, ThePatientCopyHasNoJargonSourcesOrPractitionerDetail) {
  ScratchDir dir("handout-patient");
  const HandoutInput in = example_handout(HandoutCopy::patient);
  const Checked pdf = check_pdf(dir, "handout.pdf", handout_pdf(in));
  EXPECT_FALSE(contains(pdf.text, in.plan.notice));
  // The patient's own plain version of the decision-support notice is there instead.
  EXPECT_TRUE(contains(pdf.flow, kPatientDecisionSupportNotice)) << pdf.flow;
  for (const auto& source : testing::bundled_kb().sources)
    EXPECT_FALSE(contains(pdf.text, "[" + source.id)) << source.id;
  EXPECT_FALSE(contains(pdf.text, "seed-0"));
  EXPECT_FALSE(contains(pdf.text, in.plan.device_id));
}

// seed-000: the counselling discussion is between the doctor and the patient. It is not a task
// on the patient's checklist; the practitioner's copy lists it as the practitioner's.
TEST(HandoutPdf, ThePractitionersCounsellingIsOnTheirCopyOnly) {
  ScratchDir dir("handout-counselling");
  const HandoutInput patient = example_handout(HandoutCopy::patient);
  const auto counselling = std::find_if(patient.plan.preparation.begin(), patient.plan.preparation.end(),
                                        [](const PlanTask& t) { return t.id == "counselling"; });
  ASSERT_NE(counselling, patient.plan.preparation.end());
  ASSERT_EQ(counselling->done_by, TaskDoer::practitioner);
  const Checked for_patient = check_pdf(dir, "patient.pdf", handout_pdf(patient));
  EXPECT_FALSE(contains(for_patient.text, "Counselling discussion")) << for_patient.text;
  EXPECT_TRUE(contains(for_patient.text, "Before your sessions")) << "the patient's own tasks stay";
  const Checked for_practitioner =
      check_pdf(dir, "practitioner.pdf", handout_pdf(example_handout(HandoutCopy::practitioner)));
  EXPECT_TRUE(contains(for_practitioner.text, "The practitioner's preparation (not on the patient's copy)"));
  EXPECT_TRUE(contains(for_practitioner.text, "Counselling discussion")) << for_practitioner.text;
}

TEST(HandoutPdf, TheReactionsToExpectAreNotListedAsWarningSigns) {
  // The consent's reactions are what to expect; the signs to call about are the practice's.
  // Without them the sheet says so instead of leaving the reactions under "when to call us".
  ScratchDir dir("handout-no-signs");
  HandoutInput in = example_handout(HandoutCopy::patient);
  ASSERT_FALSE(in.risks.empty());
  in.practice.warning_signs.clear();
  const Checked pdf = check_pdf(dir, "handout.pdf", handout_pdf(in));
  const auto reactions = pdf.text.find(squeeze_spaces("Reactions you were told about"));
  const auto signs = pdf.text.find(squeeze_spaces("Warning signs: when to call us"));
  ASSERT_NE(reactions, std::string::npos);
  ASSERT_NE(signs, std::string::npos);
  for (const auto& risk : in.risks) {
    const auto at = pdf.text.find(squeeze_spaces(risk.substr(0, 24)));  // the bullet's first line
    ASSERT_NE(at, std::string::npos) << risk;
    EXPECT_TRUE(reactions < at && at < signs) << risk << " is not under its own heading";
  }
  EXPECT_TRUE(contains(pdf.text, "Ask us which signs after a session mean you should call"));
}

TEST(HandoutPdf, ThePractitionersCopyAddsTheDecisionSupportSentence) {
  ScratchDir dir("handout-practitioner");
  const HandoutInput in = example_handout(HandoutCopy::practitioner);
  const Checked pdf = check_pdf(dir, "handout.pdf", handout_pdf(in));
  EXPECT_TRUE(contains(pdf.text, in.plan.notice));
  EXPECT_TRUE(contains(pdf.flow, kPatientDecisionSupportNotice)) << "the patient's words too";
  EXPECT_TRUE(contains(pdf.text, "Practitioner's copy"));
  for (const auto& a : in.plan.areas) EXPECT_TRUE(contains(pdf.text, a.region_name));
}

TEST(HandoutPdf, AVagueEndKeepsTheSourcesWordsAndNoDayNumber) {
  // seed-002: "not apply make-up for a few days". Under a policy that takes it, the handout
  // says "for a few days" and that no number is given; it makes no day range up.
  ScratchDir dir("handout-few-days");
  HandoutInput in = example_handout(HandoutCopy::patient);
  in.plan = testing::example_plan_with_policy("policies/makeup-few-days.yaml");
  const PlanAftercare* makeup = nullptr;
  for (const auto& a : in.plan.aftercare)
    if (a.id == "no-makeup") makeup = &a;
  ASSERT_NE(makeup, nullptr);
  EXPECT_FALSE(makeup->to_hours);
  EXPECT_EQ(makeup->vague_end, "for a few days");
  const Checked pdf = check_pdf(dir, "handout.pdf", handout_pdf(in));
  const auto when = pdf.flow.find(squeeze_spaces("From day 0, for a few days (no number is given: ask the practice)"));
  ASSERT_NE(when, std::string::npos) << pdf.flow;
  const auto what = pdf.flow.find(squeeze_spaces(makeup->instruction), when);
  EXPECT_NE(what, std::string::npos) << "the make-up line under its vague window";
  // The instructions with no end at all keep theirs, in a window of their own.
  EXPECT_TRUE(contains(pdf.flow, "From day 0, no set end (ask the practice)"));
}

TEST(HandoutPdf, LetterPaperHasTheLetterSize) {
  ScratchDir dir("handout-letter");
  const Checked pdf = check_pdf(dir, "letter.pdf",
                                handout_pdf(example_handout(HandoutCopy::patient), on_letter()));
  EXPECT_NE(pdf.info.find("612 x 792 pts (letter)"), std::string::npos) << pdf.info;
}

TEST(HandoutPdf, ALongPlanFlowsOntoMorePagesWithNothingLost) {
  ScratchDir dir("handout-long");
  HandoutInput in = example_handout(HandoutCopy::patient);
  auto task = in.plan.preparation.front();
  for (int i = 0; i < 60; ++i) {
    task.task = "Extra task number " + std::to_string(i) + " with enough words to wrap in the narrow column of the "
                "table at least once or twice.";
    in.plan.preparation.push_back(task);
  }
  const Checked pdf = check_pdf(dir, "long.pdf", handout_pdf(in));
  std::smatch pages;
  ASSERT_TRUE(std::regex_search(pdf.info, pages, std::regex(R"(Pages:\s+(\d+))")));
  EXPECT_GE(std::stoi(pages[1]), 3);
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(contains(pdf.text, "Extra task number " + std::to_string(i) + " with")) << i;
}

TEST(ConsentPdf, ToolsFindTheVersionEveryRiskWhoAndWhenAndTheSignature) {
  ScratchDir dir("consent");
  const ConsentDocument c = example_consent();
  const Checked pdf = check_pdf(dir, "consent.pdf", consent_pdf(c));
  EXPECT_TRUE(contains(pdf.text, c.text_version));
  for (const auto& risk : testing::bundled_kb().risks) EXPECT_TRUE(contains(pdf.text, risk.text)) << risk.id;
  for (const auto& item : testing::bundled_kb().consent.items) EXPECT_TRUE(contains(pdf.text, item.text)) << item.id;
  expect_patient_name(pdf.text);
  EXPECT_TRUE(contains(pdf.text, c.recorded_by));
  EXPECT_TRUE(contains(pdf.text, utc_minute(c.consented_at_ms)));
  EXPECT_TRUE(contains(pdf.text, std::to_string(c.acknowledged) + " acknowledgements recorded"));
  EXPECT_TRUE(contains(pdf.text, "Photographs: for my clinical record only"));
  EXPECT_TRUE(std::regex_search(pdf.info, std::regex("Title:\\s+Consent to microneedling: Atrophic acne scars")))
      << pdf.info;
  const auto images = run_tool("pdfimages -list '" + (dir / "consent.pdf").string() + "'");
  EXPECT_NE(images.output.find(" 300   100 "), std::string::npos) << "the signature image\n" << images.output;
}

TEST(ConsentPdf, PrintsTheStoredTextNotTodaysForm) {
  ScratchDir dir("consent-old");
  ConsentDocument c = example_consent();
  c.text_version = "2025.01.1/2025.01.1";
  c.consent_text = "Consent to microneedling\n\n- A statement of the old form, as the patient read it.\n\nRisks:\n"
                   "- An old risk wording.\n";
  c.signature_image.clear();
  const Checked pdf = check_pdf(dir, "consent.pdf", consent_pdf(c, on_letter()));
  EXPECT_TRUE(contains(pdf.text, "A statement of the old form, as the patient read it."));
  EXPECT_TRUE(contains(pdf.text, "An old risk wording."));
  EXPECT_TRUE(contains(pdf.text, "2025.01.1/2025.01.1"));
  EXPECT_FALSE(contains(pdf.text, testing::bundled_kb().risks.front().text));
  EXPECT_TRUE(contains(pdf.text, "Sign here on paper"));
}

/// A signature as the web's signature pad hands it over: strokes as SVG paths and dots.
const char* const kSignatureSvg =
    R"svg(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100" width="300" height="100">)svg"
    R"svg(<path d="M 10,70 C 80,0 150,100 290,30" stroke-width="3" stroke="rgb(20, 32, 43)" fill="none" )svg"
    R"svg(stroke-linecap="round"></path><circle r="1.5" cx="150" cy="80" fill="rgb(20, 32, 43)"></circle></svg>)svg";

/// The number of dark pixels on the last page, rendered at 30 dpi.
int dark_pixels_on_last_page(const ScratchDir& dir, const std::string& pdf_name, int pages) {
  const auto base = (dir / "page").string();
  const std::string page = std::to_string(pages);
  const auto run = run_tool("pdftoppm -gray -r 30 -f " + page + " -l " + page + " '" + (dir / pdf_name).string() +
                            "' '" + base + "'");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  std::string pgm;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    if (entry.path().extension() == ".pgm") pgm = testing::read_file(entry.path());
  int dark = 0;
  // P5 header: magic, width, height, maxval, then one byte per pixel.
  std::istringstream header(pgm);
  std::string magic;
  int w = 0, h = 0, max = 0;
  header >> magic >> w >> h >> max;
  const size_t start = pgm.size() - static_cast<size_t>(w) * h;
  for (size_t i = start; i < pgm.size(); ++i) dark += static_cast<unsigned char>(pgm[i]) < 128;
  return dark;
}

TEST(ConsentPdf, DrawsAnSvgSignatureAsVectorsAndLoadsNothingItNames) {
  ScratchDir dir("consent-svg");
  ConsentDocument c = example_consent();
  c.signature_content_type = "image/svg+xml";
  c.signature_image = kSignatureSvg;
  const Checked signed_pdf = check_pdf(dir, "consent.pdf", consent_pdf(c));
  EXPECT_FALSE(contains(signed_pdf.text, "Sign here on paper"));
  EXPECT_FALSE(contains(signed_pdf.text, "could not be read"));
  const auto pages_of = [](const std::string& info) {
    std::smatch m;
    return std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : 0;
  };
  const int pages = pages_of(signed_pdf.info);
  ASSERT_GT(pages, 0) << signed_pdf.info;
  const int with_signature = dark_pixels_on_last_page(dir, "consent.pdf", pages);

  // The same page without the strokes has fewer dark pixels: the drawing is on the page.
  ScratchDir plain_dir("consent-svg-empty");
  c.signature_image = R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100" width="300" height="100"></svg>)";
  const Checked blank = check_pdf(plain_dir, "consent.pdf", consent_pdf(c));
  EXPECT_GT(with_signature, dark_pixels_on_last_page(plain_dir, "consent.pdf", pages_of(blank.info)) + 20);

  // An image the SVG points to outside itself is not fetched: no image in the PDF.
  testing::write_file(dir / "outside.png", signature_png());
  c.signature_image = R"(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" )"
                      R"(width="300" height="100"><image xlink:href="file://)" +
                      (dir / "outside.png").string() + R"(" width="300" height="100"/></svg>)";
  check_pdf(dir, "outside.pdf", consent_pdf(c));
  const auto images = run_tool("pdfimages -list '" + (dir / "outside.pdf").string() + "'");
  EXPECT_EQ(images.output.find(" 300   100 "), std::string::npos) << images.output;

  // Bytes that are no SVG: a note instead of the drawing, never a failure.
  c.signature_image = "<svg";
  const Checked broken = check_pdf(dir, "broken.pdf", consent_pdf(c));
  EXPECT_TRUE(contains(broken.text, "could not be read as an SVG drawing"));
}

TEST(PracticeSettings, UnknownKeysAndWrongKindsAreRefusedWithFileAndLine) {
  try {
    parse_practice("name: A\nphone: 1\nfax: 2\n", "p.yaml");
    FAIL() << "accepted an unknown key";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "p.yaml:3");
    EXPECT_NE(std::string(e.what()).find("unknown key 'fax'"), std::string::npos);
  }
  try {
    parse_practice("name: A\nwarning_signs: {a: 1}\n", "p.yaml");
    FAIL() << "accepted a map";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "p.yaml:2");
  }
  EXPECT_THROW(parse_practice("name: [unclosed\n", "p.yaml"), InputError);
}

}  // namespace
}  // namespace dermaplan::interop
