#include "interop/documents.h"

#include "interop/aftercare_windows.h"

#include <fmt/format.h>

#include <chrono>

namespace dermaplan::interop {

const char* const kPatientDecisionSupportNotice =
    "Your practitioner prepared this plan with the help of decision-support software. Your practitioner, not the "
    "software, decides on your treatment: ask them about anything on this sheet that is unclear.";

std::string patient_date(CivilDate day) {
  static const char* const kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const date::weekday wd{date::sys_days{day}};
  return fmt::format("{} {:02} {} {}", kWeekdays[wd.c_encoding()], static_cast<unsigned>(day.day()),
                     kMonths[static_cast<unsigned>(day.month()) - 1], static_cast<int>(day.year()));
}

std::string utc_minute(long long epoch_ms) {
  using namespace std::chrono;
  const sys_seconds t{seconds{epoch_ms / 1000}};
  const auto day = floor<days>(t);
  const hh_mm_ss<seconds> time{t - day};
  return fmt::format("{} {:02}:{:02} UTC", format_civil_date(CivilDate{day}), time.hours().count(),
                     time.minutes().count());
}

namespace {

void practice_header(PdfLayout& pdf, const Practice& practice) {
  pdf.paragraph(practice.name, TextStyle{.size_pt = 12, .bold = true});
  std::string contact;
  for (const auto& line : practice.address) contact += (contact.empty() ? "" : ", ") + line;
  for (const auto* part : {&practice.phone, &practice.email, &practice.website})
    if (!part->empty()) contact += (contact.empty() ? "" : " · ") + *part;
  if (!contact.empty()) pdf.paragraph(contact, TextStyle{.size_pt = 9, .grey = 0.3});
  pdf.rule();
  pdf.space(6);
}

std::string patient_line(const std::string& name, const std::optional<CivilDate>& birth) {
  if (name.empty()) return "";
  return birth ? fmt::format("For {} (born {})", name, patient_date(*birth)) : "For " + name;
}

std::string course_length(const PlanDocument& plan) {
  return plan.session_count_min == plan.session_count_max
             ? fmt::format("{} sessions", plan.session_count_min)
             : fmt::format("{} to {} sessions, depending on how your skin responds", plan.session_count_min,
                           plan.session_count_max);
}

}  // namespace

std::string handout_pdf(const HandoutInput& in, const DocumentOptions& options) {
  const PlanDocument& plan = in.plan;
  const std::string title = "Your microneedling course: " + plan.indication_name;
  PdfLayout pdf(options.paper,
                PdfMetadata{.title = title, .author = in.practice.name,
                            .subject = in.copy == HandoutCopy::practitioner ? "Practitioner's copy" : "Patient handout",
                            .created = options.created},
                in.practice.name + " · " + title);
  practice_header(pdf, in.practice);
  pdf.heading(title);
  if (in.copy == HandoutCopy::practitioner) pdf.paragraph("Practitioner's copy", TextStyle{.bold = true, .grey = 0.3});
  const std::string who = patient_line(in.patient_name, in.patient_birth_date);
  if (!who.empty()) pdf.paragraph(who, TextStyle{.size_pt = 11});
  pdf.paragraph("Prepared on " + patient_date(in.prepared_on), TextStyle{.grey = 0.3});
  std::string areas;
  for (const auto& a : plan.areas) areas += (areas.empty() ? "" : ", ") + a.region_name;
  if (!areas.empty()) pdf.paragraph("Treated areas: " + areas);
  pdf.paragraph("This sheet lists the dates of your sessions, what to do before each one and how to look after "
                "your skin afterwards. Keep it with you during the course.");

  pdf.heading("Your sessions", 2);
  if (plan.sessions.empty()) {
    pdf.paragraph("No sessions are planned: " + plan.status, TextStyle{.bold = true});
  } else {
    pdf.paragraph("Your course has " + course_length(plan) + ".");
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : plan.sessions) {
      std::string note = s.latest_date != s.date ? "any day up to " + patient_date(s.latest_date) : "";
      if (s.optional) note += std::string(note.empty() ? "" : "; ") + "only if your skin needs it";
      rows.push_back({std::to_string(s.number), patient_date(s.date), note});
    }
    pdf.table({0.1, 0.3, 0.6}, {"Session", "Date", "Note"}, rows);
  }

  // The patient's tasks; the practitioner's (the counselling discussion) are on the
  // practitioner's copy only, under "For the practitioner".
  std::vector<std::vector<std::string>> patient_tasks, practitioner_tasks;
  for (const auto& t : plan.preparation)
    (t.done_by == TaskDoer::patient ? patient_tasks : practitioner_tasks)
        .push_back({patient_date(t.due), std::to_string(t.session), t.task});
  if (!patient_tasks.empty()) {
    pdf.heading("Before your sessions", 2);
    pdf.table({0.22, 0.1, 0.68}, {"By", "Session", "What to do"}, patient_tasks);
  }

  if (!plan.aftercare.empty()) {
    pdf.heading("After each session", 2);
    pdf.paragraph("Day 0 is the day of the session. Follow each line for the days shown.");
    std::vector<std::vector<std::string>> rows;
    for (const auto& w : aftercare_windows(plan)) {
      std::string text;
      for (const auto* a : w.instructions) text += (text.empty() ? "" : "\n") + a->instruction;
      const std::string when = describe_window(w);
      rows.push_back({std::string(1, static_cast<char>(std::toupper(when[0]))) + when.substr(1), text});
    }
    pdf.table({0.25, 0.75}, {"When", "What to do"}, rows);
  }

  if (plan.assessment_date) {
    pdf.heading("Your result", 2);
    pdf.paragraph("We will look at the result with you on or after " + patient_date(*plan.assessment_date) +
                  ". Results develop over weeks to months.");
  }

  // The reactions the patient was told of first, under their own heading: they are what to
  // expect, not the signs to call about (which the practice lists: the knowledge base has none).
  if (!in.risks.empty()) {
    pdf.heading("Reactions you were told about", 2);
    for (const auto& risk : in.risks) pdf.bullet(risk, TextStyle{.size_pt = 9});
  }
  pdf.heading("Warning signs: when to call us", 2);
  if (!in.practice.warning_signs.empty()) {
    pdf.paragraph("Call us if you notice:");
    for (const auto& sign : in.practice.warning_signs) pdf.bullet(sign);
  } else {
    pdf.paragraph("Ask us which signs after a session mean you should call: we have not listed them on this sheet.");
  }
  if (!in.practice.when_to_call.empty()) pdf.paragraph(in.practice.when_to_call);
  pdf.paragraph(in.practice.phone.empty() ? "Contact " + in.practice.name + " if anything worries you."
                                          : "Call " + in.practice.name + " on " + in.practice.phone +
                                                " if anything worries you.",
                TextStyle{.bold = true});

  pdf.paragraph(kPatientDecisionSupportNotice, TextStyle{.italic = true});

  if (in.copy == HandoutCopy::practitioner) {
    pdf.heading("For the practitioner", 2);
    pdf.paragraph(fmt::format("{} ({} needling{}). Device: {}.", plan.indication_name, plan.treatment_class,
                              plan.physician_required ? ", physician required" : "", plan.device_name));
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : plan.areas) rows.push_back({a.region_name, fmt::format("{} mm", a.planned_length_mm), a.device_id});
    if (!rows.empty()) pdf.table({0.4, 0.2, 0.4}, {"Area", "Needle", "Device"}, rows);
    if (!practitioner_tasks.empty()) {
      pdf.paragraph("The practitioner's preparation (not on the patient's copy):", TextStyle{.bold = true});
      pdf.table({0.22, 0.1, 0.68}, {"By", "Session", "Task"}, practitioner_tasks);
    }
    pdf.paragraph("Status: " + plan.status);
    for (const auto& w : plan.warnings) pdf.bullet(w, TextStyle{.size_pt = 9});
    pdf.paragraph(fmt::format("Knowledge base {}; policy: {}.", plan.knowledge_version, plan.policy),
                  TextStyle{.size_pt = 9, .grey = 0.3});
    pdf.paragraph(plan.notice, TextStyle{.italic = true});
  }
  return pdf.finish();
}

std::string consent_pdf(const ConsentDocument& c, const DocumentOptions& options) {
  // The stored text: its first line is the title, "- " lines are statements, "Risks:" starts
  // the risks (the form's plain-text layout). Any other line is printed as it is.
  std::vector<std::string> lines;
  for (size_t start = 0; start <= c.consent_text.size();) {
    const size_t end = c.consent_text.find('\n', start);
    lines.push_back(c.consent_text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  const std::string title = !lines.empty() && !lines.front().empty() ? lines.front() : "Consent to microneedling";
  PdfLayout pdf(options.paper,
                PdfMetadata{.title = title + " — " + c.patient_name, .author = c.practice.name,
                            .subject = "Consent version " + c.text_version, .created = options.created},
                c.practice.name + " · consent " + c.text_version);
  practice_header(pdf, c.practice);
  pdf.heading(title);
  const std::string who = patient_line(c.patient_name, c.patient_birth_date);
  if (!who.empty()) pdf.paragraph(who.substr(4), TextStyle{.size_pt = 11, .bold = true});
  pdf.paragraph("Consent form version " + c.text_version, TextStyle{.grey = 0.3});
  pdf.space(4);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty()) continue;
    if (line.rfind("- ", 0) == 0) pdf.bullet(line.substr(2));
    else if (line.back() == ':') pdf.heading(line.substr(0, line.size() - 1), 2);
    else pdf.paragraph(line);
  }
  if (c.acknowledged > 0)
    pdf.paragraph(fmt::format("Each statement and each risk above was acknowledged one by one ({} acknowledgements "
                              "recorded).", c.acknowledged),
                  TextStyle{.bold = true});
  if (c.photo_use) {
    const char* use = *c.photo_use == records::PhotoUse::record_only
                          ? "Photographs: for my clinical record only, seen by the people treating me."
                      : *c.photo_use == records::PhotoUse::teaching
                          ? "Photographs: for my clinical record, and without my name to train practitioners."
                          : "Photographs: for my clinical record, to train practitioners, and without my name in the "
                            "practice's publications and advertising.";
    pdf.paragraph(use, TextStyle{.bold = true});
  }
  pdf.keep(190);  // the heading, who and when, and the signature stay on one page
  pdf.heading("Consent", 2);
  pdf.table({0.35, 0.65}, {},
            {{"Consent given by", c.consented_by},
             {"Given at", utc_minute(c.consented_at_ms)},
             {"Recorded by", c.recorded_by},
             {"Recorded at", utc_minute(c.recorded_at_ms)},
             {"Form version", c.text_version}});
  pdf.paragraph("Signature", TextStyle{.bold = true});
  if (!c.signature_image.empty()) {
    if (c.signature_content_type == "image/svg+xml") pdf.image_svg(c.signature_image, 240, 90);
    else pdf.image_png(c.signature_image, 240, 90);
  } else {
    pdf.paragraph("No signature image was recorded with this consent. Sign here on paper:", TextStyle{.grey = 0.3});
    pdf.space(30);
    pdf.rule();
  }
  return pdf.finish();
}

}  // namespace dermaplan::interop
