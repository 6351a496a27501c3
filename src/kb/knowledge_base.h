// The knowledge base: sources, regions, devices, indications, screening rules and the
// protocol, loaded from knowledge/*.yaml (see knowledge/SCHEMA.md) with a clinic policy
// applied. Immutable once loaded; safe to share between threads.
#pragma once

#include "core/civil_date.h"
#include "kb/results.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dermaplan::kb {

using SourceIds = std::vector<std::string>;

enum class Evidence { seed, primary, review, clinic, secondary };

struct Source {
  std::string id;
  std::string title;
  std::string locator;  //!< seed file name, URL or citation
  Evidence evidence = Evidence::clinic;
};

/// One source's answer to a disputed question. T holds the value fields.
template <class T>
struct Position {
  std::string id;
  T value;
  SourceIds sources;
  std::string note;
  bool is_default = false;
};

/// A value the sources state, possibly disputed. When the sources agree there is one
/// position and no topic id. `chosen` is the index the policy picked (the default if none).
template <class T>
struct Disputed {
  std::string topic;     //!< empty when undisputed
  std::string question;  //!< what the positions answer
  std::vector<Position<T>> positions;
  size_t chosen = 0;
  bool chosen_by_policy = false;  //!< the policy picked a non-default position
  bool overridden = false;        //!< the policy changed value fields of the chosen position

  const Position<T>& selected() const { return positions.at(chosen); }
  const T& value() const { return selected().value; }
  bool disputed() const { return positions.size() > 1; }
};

struct RangeMm {
  double min_mm = 0;
  double max_mm = 0;
};

struct RangeUm {
  double min_um = 0;
  double max_um = 0;
};

enum class Sex { female, male, other, unknown };

/// Thickness of one skin layer in one region, by sex where the sources give it.
struct LayerThickness {
  RangeUm all;
  std::optional<RangeUm> female;
  std::optional<RangeUm> male;
  std::string method;  //!< histology | ultrasound | derived
  SourceIds sources;
  std::string note;

  /// The range for that sex when known, else the range over all.
  const RangeUm& for_sex(Sex sex) const;
};

struct NeedleGuide {
  double min_mm = 0;
  double max_mm = 0;
  std::optional<double> thick_skin_max_mm;
};

enum class Pressure { light, medium, firm };

struct Region {
  std::string id;
  std::string name;
  std::string group;  //!< face | neck | body | scalp
  LayerThickness epidermis_um;
  LayerThickness dermis_um;
  std::optional<Disputed<NeedleGuide>> needle_guide;
  std::optional<Pressure> pressure;
  SourceIds pressure_sources;
  bool anaesthetic_cream_needed = true;  //!< false where the sources say the area is not painful
  SourceIds anaesthetic_cream_sources;
};

enum class DeviceKind { roller, pen, stylus };

/// What a device is for: needling a treatment, or only helping products into the skin.
enum class DevicePurpose { treatment, product_penetration };

struct PenCartridge {
  std::string id;
  int needles = 0;  //!< 0 for "nano" cartridges whose count the sources do not give
  SourceIds sources;
  std::string note;
};

struct Device {
  std::string id;
  std::string name;
  DeviceKind kind = DeviceKind::roller;
  // Rollers (and a stylus with a fixed length):
  int needles = 0;
  int rows = 0;
  double drum_diameter_mm = 0;
  double drum_width_mm = 0;
  double needle_length_mm = 0;
  double needle_diameter_mm = 0;
  // Pens: adjustable depth.
  std::optional<RangeMm> depth_range;
  double depth_step_mm = 0;
  std::optional<RangeMm> stroke_rate_hz;  //!< min_mm/max_mm hold Hz here
  std::vector<PenCartridge> cartridges;
  std::string material;
  bool single_use = false;
  bool anaesthetic_cream_needed = true;
  DevicePurpose purpose = DevicePurpose::treatment;
  SourceIds sources;
  std::string note;

  /// Whether the device can be set to (or is) this needle length.
  bool offers_length(double length_mm) const;
  /// The lengths a pen can be set to, shortest first (never 0 mm); empty for a device with a
  /// fixed length or a pen whose depth step the sources do not give.
  std::vector<double> settings_mm() const;
};

struct CountRange {
  int min = 0;
  int max = 0;
};

struct NeedleLength {
  double min_mm = 0;
  double max_mm = 0;
  /// The single length a source names, when one does; most sources give only a range.
  std::optional<double> recommended_mm;
};

struct Course {
  CountRange sessions;
  CountRange interval_days;
};

enum class TreatmentClass { cosmetic, medical };

struct Indication {
  std::string id;
  std::string name;
  std::string group;
  Disputed<TreatmentClass> treatment_class;
  bool physician_required = false;
  std::vector<std::string> regions;  //!< typical regions when the user names none
  SourceIds sources;
  Disputed<NeedleLength> needle_length;
  Disputed<Course> course;
  /// Condition codes a patient treated for this indication has by definition (keloids: a
  /// history of keloid scarring): screening reads them as present, whatever the intake says.
  std::vector<std::string> implies_conditions;
  std::string note;
};

// --- screening ---------------------------------------------------------------

enum class Decision { eligible = 0, caution = 1, defer = 2, contraindicated = 3 };

/// What part of an intake a rule (or a preparation task) looks at.
struct Trigger {
  enum class Kind { medication, condition, procedure, allergy, pregnant, breastfeeding, skin,
                    fitzpatrick_at_least };
  enum class State { any, current, recent, active, history };
  Kind kind = Kind::condition;
  std::string code;   //!< vocabulary code, or "sensitive"/"dry" for skin
  /// For skin: every skin property the trigger names ("sensitive", "dry"); it matches when the
  /// intake has any of them (seed-002's "sensitive and dry skin" is one rule). `code` is the first.
  std::vector<std::string> skin;
  State state = State::any;
  int fitzpatrick = 0;
};

/// Where a condition or procedure must be, relative to the treated areas, for a rule to apply.
enum class Scope {
  anywhere,  //!< wherever it is (or it has no place: a medication, a systemic disease)
  zone,      //!< in the same zone (region group: face, neck, body, scalp) as a treated area
  region     //!< in a treated region itself
};

struct Effect {
  Decision decision = Decision::caution;
  WaitPeriod wait;        //!< after the event (last dose, procedure date, since)
  bool lifetime = false;  //!< any history, however old
  std::optional<Scope> scope;  //!< set where the sources disagree on where it applies
};

struct ScreeningRule {
  std::string id;
  std::string title;
  Trigger when;
  Scope applies_to = Scope::anywhere;  //!< unless the chosen effect says otherwise
  bool ask = false;  //!< unknown status is reported (the seeds ask for it to be checked)
  std::vector<Sex> asked_of;  //!< the sexes the question concerns; empty = everyone
  std::string check;
  std::string message;
  /// How the knowledge base reads an ambiguous source sentence for this rule (empty: no
  /// reading needed); every finding of the rule shows it.
  std::string reading;
  Disputed<Effect> effect;

  /// Where the rule applies under the chosen position.
  Scope scope() const { return effect.value().scope.value_or(applies_to); }
  /// Whether the rule's question is asked of a patient of this sex.
  bool asked_of_sex(Sex sex) const;
};

// --- planning and protocol --------------------------------------------------

struct Passes {
  CountRange count;
  std::vector<std::string> directions;
};

struct Anaesthesia {
  std::string agent;
  CountRange minutes;
};

struct Assessment {
  CountRange after_last_session_days;
};

struct DepthClass {
  std::string id;    //!< e.g. cosmetic, medical
  std::string name;
  double max_mm = 0;
  SourceIds sources;
};

struct DevicePreference {
  std::string device;  //!< device id
};

/// The longest needle the sources accept for use at home (by the patient).
struct HomeUseLimit {
  double max_mm = 0;
};

/// A plain statement about the treatment that a plan shows (what the channels are like, how
/// long the procedure takes), possibly disputed.
struct Statement {
  std::string text;
  /// The same statement for a plan that uses no anaesthetic cream (the scalp), where the text
  /// counts the cream's time; empty when the text does not depend on it.
  std::string text_without_anaesthetic_cream;
  /// The same statement for a plan whose every area is at cosmetic depth (the needles stay in
  /// the epidermis), where the text speaks of the dermis; empty when it does not.
  std::string text_at_cosmetic_depth;
  const std::string& text_for(bool anaesthetic_cream, bool cosmetic_depth = false) const {
    if (cosmetic_depth && !text_at_cosmetic_depth.empty()) return text_at_cosmetic_depth;
    return anaesthetic_cream || text_without_anaesthetic_cream.empty() ? text : text_without_anaesthetic_cream;
  }
};

struct AboutItem {
  std::string id;
  std::string title;
  Disputed<Statement> statement;
};

struct Planning {
  Disputed<Passes> passes;
  Disputed<Anaesthesia> anaesthesia;
  Disputed<Assessment> assessment;
  std::vector<DepthClass> depth_classes;
  double bleeding_from_mm = 0;
  SourceIds bleeding_sources;
  Disputed<DevicePreference> default_device;
  /// What "physician required" rests on: every plan or finding that says a course needs a
  /// physician cites this statement's sources. Required.
  Statement physician_required;
  SourceIds physician_required_sources;
  std::optional<Disputed<HomeUseLimit>> home_use;  //!< none: the knowledge base says nothing on it
  std::vector<AboutItem> about;  //!< statements every plan shows
};

/// Who carries out a preparation task.
enum class TaskDoer { patient, practitioner };

struct DaysBefore {
  int days = 0;
};

struct PreparationTask {
  std::string id;
  std::string task;
  Disputed<DaysBefore> before;
  bool each_session = false;
  std::optional<Trigger> applies_if;
  /// The session is never planned sooner than `before` days after the planning date: the task
  /// cannot be shortened (stopping an anticoagulant), unlike a late moisturising cream.
  bool holds_session = false;
  /// The zones (region groups: face, neck, body, scalp) the task is for; empty = any. The task
  /// is planned only when a treated area lies in one of them ("when treating the face").
  std::vector<std::string> zones;
  std::string decided_by;  //!< who decides on the task, when not the practitioner ("prescriber")
  std::string decided_by_note;  //!< why, or that it is an assumption
  /// Who carries the task out. The patient's tasks go on the handout and the patient's
  /// calendar; the practitioner's (the counselling discussion) stay in the plan only.
  TaskDoer done_by = TaskDoer::patient;
  /// A choice in how the task is planned that no source makes (its timing per session), said
  /// with every dated task; empty: none.
  std::string assumption;
  /// Preparation task ids that may pull against this one (vitamin A before, beside stopping
  /// retinoids): where the plan has both, it keeps both and a warning names them, for the
  /// practitioner to decide (no source rules either out).
  std::vector<std::string> conflicts_with;
};

struct ProcedureStep {
  std::string id;
  std::string step;
  int order = 0;
  SourceIds sources;
  std::optional<Trigger> applies_if;
  bool with_anaesthetic_cream = false;  //!< only when the plan uses anaesthetic cream
};


struct HoursWindow {
  double from_hours = 0;
  double to_hours = 0;  //!< 0 with open_ended: "until healed" style instructions
  bool open_ended = false;
  /// With open_ended: the source's words for an end it gives no number for ("for a few days").
  /// Shown as they are, never turned into hours or dates.
  std::string vague_end;
  /// How the window reads an ambiguous source sentence (what "for a few days" applies to);
  /// empty: no reading needed. Shown with the instruction.
  std::string reading;
};

struct AftercareInstruction {
  std::string id;
  std::string instruction;
  Disputed<HoursWindow> window;
  /// Sources of wording that the window's positions do not cite (a disputed window's positions
  /// cite the hours; "Turkish bath" is seed-001's word beside seed-004's 48 hours).
  SourceIds wording_sources;
  /// What a plan cites: the applied window position's sources, then the wording's.
  SourceIds sources() const;
};

struct Scale {
  std::string id;
  std::string name;
  double min = 0;
  double max = 0;
  /// Scores are min + k * step (graded scales: whole grades); none: any value in [min, max].
  std::optional<double> step;
  /// Which end is the better outcome; none for a classification (Fitzpatrick skin type).
  std::optional<bool> lower_is_better;
  std::map<std::string, std::string> anchors;
  SourceIds sources;
  std::string note;
};

/// A risk the patient is told about (consent form, handout).
struct Risk {
  std::string id;
  std::string text;
  SourceIds sources;
};

/// One statement of the consent form.
struct ConsentItem {
  std::string id;
  std::string text;
  SourceIds sources;
};

struct ConsentTemplate {
  std::string version;  //!< stored with every consent
  std::vector<ConsentItem> items;
};

struct VocabularyEntry {
  std::string code;
  std::string name;
  std::vector<std::string> aliases;
};

struct Vocabulary {
  std::vector<VocabularyEntry> conditions, medications, procedures, allergies;
};

/// One disputed question as loaded, for listing and for showing disagreements in output.
struct TopicSummary {
  struct Entry {
    std::string id;
    std::string summary;  //!< the value in words: "defer, 3 months"
    SourceIds sources;
    std::string note;
    bool is_default = false;
  };
  std::string topic;
  std::string question;
  std::string where;  //!< e.g. "screening isotretinoin: effect"
  std::vector<Entry> positions;
  size_t chosen = 0;
  bool chosen_by_policy = false;
  bool overridden = false;
};

/// The whole knowledge base with one policy applied.
struct KnowledgeBase {
  std::string version;
  std::string title;
  std::string policy = "default (seed texts)";  //!< the applied policy's name
  std::vector<Source> sources;
  Vocabulary vocabulary;
  std::vector<Region> regions;
  std::vector<Device> devices;
  std::vector<Indication> indications;
  std::vector<ScreeningRule> screening;
  Planning planning;
  std::vector<PreparationTask> preparation;
  std::vector<ProcedureStep> procedure;
  std::vector<AftercareInstruction> aftercare;
  std::vector<Scale> scales;
  std::vector<Risk> risks;
  ConsentTemplate consent;
  std::vector<PublishedResult> results;                  //!< published trial results
  std::vector<ResponderThreshold> responder_thresholds;  //!< at most one per scale
  std::vector<TopicSummary> topics;  //!< every disputed value, in load order

  const TopicSummary* find_topic(std::string_view topic) const;
  const Source* find_source(std::string_view id) const;
  const Region* find_region(std::string_view id) const;
  const Device* find_device(std::string_view id) const;
  const Indication* find_indication(std::string_view id) const;
  const ScreeningRule* find_rule(std::string_view id) const;
  const Scale* find_scale(std::string_view id) const;
  const Risk* find_risk(std::string_view id) const;
  /// The responder threshold of a scale, nullptr when the knowledge base defines none.
  const ResponderThreshold* find_responder_threshold(std::string_view scale) const;
};

}  // namespace dermaplan::kb
