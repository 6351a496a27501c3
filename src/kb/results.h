// Published trial results (knowledge/results.yaml): what a study measured, on whom, with which
// protocol, and the figures it reported, each with its sources. The outcomes report sets a
// practice's own figures beside the ones that match its indication and scale.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::kb {

using SourceIds = std::vector<std::string>;

/// A span of time as the source states it ("2 months", "150 days", "12 weeks").
struct StatedDuration {
  int days = 0;
  int weeks = 0;
  int months = 0;
  /// In days; a month counts 30.44 days (365.25 / 12).
  double in_days() const { return days + 7.0 * weeks + 30.44 * months; }
  /// "2 months", "150 days", "0 weeks".
  std::string describe() const;
};

/// Whole numbers a source gives as one value or a range ("5 sessions", "1-6 sessions").
struct StatedCount {
  int min = 0;
  int max = 0;
};

struct StatedLengthMm {
  double min_mm = 0;
  double max_mm = 0;
};

/// The protocol the result came from; every field is optional because the sources' excerpts
/// often leave parts out.
struct StudyProtocol {
  std::string device;                          //!< roller | pen | stylus, empty if not stated
  std::optional<StatedLengthMm> needle_length;
  std::optional<StatedCount> sessions;
  std::optional<StatedDuration> interval;      //!< between sessions
  std::optional<StatedDuration> course;        //!< total duration ("weekly for 3 months")
  std::string with;                            //!< co-treatment ("5% minoxidil twice daily")
  std::string note;
};

/// What was measured: a scale of the knowledge base (then a practice figure on that scale can
/// stand beside it) or a measure named only in the source.
struct StudyMeasure {
  std::string scale;  //!< a scale id, or empty
  std::string name;   //!< the measure as the source names it, when it is not a kb scale
};

/// A mean and standard deviation, or the modal grade when that is all the source gives.
struct StatedScore {
  std::optional<double> mean;
  std::optional<double> sd;
  std::optional<double> mode;
};

/// A mean with its confidence interval as published.
struct StatedInterval {
  double mean = 0;
  std::optional<double> low;
  std::optional<double> high;
  double level = 0.95;
};

/// Patients improving by at least `improvement` scale points: a count, or a percentage when
/// the source gives no count.
struct StatedResponders {
  std::optional<int> count;
  std::optional<double> percent;
  int of = 0;
  double improvement = 0;
};

enum class FollowUpFrom { first_session, last_session };

/// One assessment point of a result.
struct StudyFollowUp {
  FollowUpFrom from = FollowUpFrom::last_session;
  StatedDuration after;
  StatedScore score;                        //!< the score at this point
  std::optional<StatedInterval> change;     //!< follow-up minus baseline, as published
  std::optional<StatedInterval> improvement;//!< change in the better direction, as published
  std::optional<StatedResponders> responders;
  std::string note;
};

/// Patients with an adverse event of one kind.
struct StudyAdverseEvent {
  std::string type;  //!< as the source names it ("post-inflammatory hyperpigmentation")
  std::string risk;  //!< the matching consent-form risk id, or empty
  int patients = 0;
  int of = 0;
};

struct PublishedResult {
  std::string id;
  std::string study;                     //!< short citation
  std::vector<std::string> indications;  //!< indication ids
  std::string design;                    //!< as the source states it, or empty
  std::string population;
  int enrolled = 0;                      //!< 0 when not stated
  int analysed = 0;
  std::string unit;                      //!< "patients" unless the source counts scars etc.
  StudyProtocol protocol;
  StudyMeasure measure;
  StatedScore baseline;
  std::vector<StudyFollowUp> follow_up;
  std::vector<StudyAdverseEvent> adverse_events;
  std::string comparator;                //!< the control arm's figures as text
  std::string summary;                   //!< the other published figures as text
  SourceIds sources;
  std::string note;
};

/// The improvement that makes a patient a responder on one scale (in scale points, towards the
/// scale's better end).
struct ResponderThreshold {
  std::string scale;
  double improvement = 0;
  SourceIds sources;
  std::string note;
};

}  // namespace dermaplan::kb
