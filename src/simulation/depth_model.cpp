#include "simulation/depth_model.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace dermaplan::simulation {

namespace {

// ---------------------------------------------------------------------------------------------
// THE DEPTH EFFICIENCY CURVE: effective depth / nominal needle length, by length and pressure.
// Measured anchors (device-physics.md section 4):
//   kalluri2011  DermaRoller 770 um needles -> channels 152.5 +- 9.6 um deep: 0.20 (hairless rat)
//   lam2008      steel needles into pig skin: buried length < 50 % of nominal below 1 mm,
//                and shorter needles go in by a smaller fraction
//   gantrezoct   600 um microneedles, OCT in human skin in vivo: ~460 um, 0.77
//   lima2013     192-needle rollers in live pig: 0.5 mm reaches the papillary dermis, 1.0-1.5 mm
//                "moderate", 2.0-2.5 mm reaches the reticular dermis (classes, no fractions)
// How the columns use them (the pressure mapping itself is a MODEL ASSUMPTION: no source
// measured depth against pressure):
//   light  = the kalluri2011 roller figure (0.20 at 0.77 mm), lower for shorter needles (lam2008)
//   medium = just under the lam2008 bound below 1 mm; ~0.5 beyond it, the fact sheet's own
//            modelling suggestion (k = 0.2-0.8, default 0.5; ASSUMPTION, not a measurement)
//   firm   = the gantrezoct in-vivo figure (0.77 at 0.6 mm)
// Rows at 1.5 mm and above are ASSUMPTIONS chosen so that the lima2013 classes hold for
// facial skin (0.5 mm medium -> papillary dermis; 2-2.5 mm -> reticular dermis).
// ---------------------------------------------------------------------------------------------
struct EfficiencyRow {
  double needle_length_mm;
  double light, medium, firm;
  const char* sources;  // source ids, or "assumption"
};

constexpr EfficiencyRow kEfficiencyCurve[] = {
    // length  light  medium  firm   basis
    {0.25,     0.15,  0.30,   0.55,  "lam2008"},                  // shorter -> smaller fraction; light/firm scaled (assumption)
    {0.60,     0.18,  0.42,   0.77,  "gantrezoct, lam2008"},      // firm measured 0.77; medium under lam2008's 50 %
    {0.77,     0.20,  0.45,   0.77,  "kalluri2011, lam2008"},     // light measured 0.20
    {1.00,     0.25,  0.50,   0.80,  "lam2008, lima2013"},        // lam2008 bound ends at 1 mm (assumption above it)
    {1.50,     0.30,  0.52,   0.82,  "lima2013 (assumption)"},    // "moderate" injury class
    {2.50,     0.35,  0.55,   0.85,  "lima2013 (assumption)"},    // "deep" class, reticular dermis
    {3.00,     0.35,  0.55,   0.85,  "assumption"},               // flat beyond the data
};

// Per-puncture spread: kalluri2011 measured +-9.6 um on 152.5 um (6 %) in the lab; hand-held
// treatment varies more. ASSUMPTION: coefficient of variation 0.15.
constexpr double kPerPunctureCv = 0.15;

double column(const EfficiencyRow& row, Pressure pressure) {
  switch (pressure) {
    case Pressure::light: return row.light;
    case Pressure::medium: return row.medium;
    case Pressure::firm: return row.firm;
  }
  return row.medium;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

DepthEfficiency depth_efficiency(double needle_length_mm, Pressure pressure) {
  const auto* first = std::begin(kEfficiencyCurve);
  const auto* last = std::end(kEfficiencyCurve) - 1;
  DepthEfficiency result;
  result.cv = kPerPunctureCv;
  if (needle_length_mm <= first->needle_length_mm) {
    result.mean = column(*first, pressure);
  } else if (needle_length_mm >= last->needle_length_mm) {
    result.mean = column(*last, pressure);
  } else {
    const auto* hi = std::find_if(first, last + 1, [&](const EfficiencyRow& row) {
      return row.needle_length_mm >= needle_length_mm;
    });
    const auto* lo = hi - 1;
    const double t = (needle_length_mm - lo->needle_length_mm) /
                     (hi->needle_length_mm - lo->needle_length_mm);
    result.mean = column(*lo, pressure) + t * (column(*hi, pressure) - column(*lo, pressure));
  }
  return result;
}

const std::vector<std::string>& depth_curve_sources() {
  static const std::vector<std::string> ids{"kalluri2011", "lam2008", "gantrezoct", "lima2013"};
  return ids;
}

const std::vector<std::string>& depth_model_assumptions() {
  static const std::vector<std::string> text{
      "depth efficiency by pressure: light follows kalluri2011 (0.20 at 0.77 mm), firm follows "
      "gantrezoct (0.77 at 0.6 mm), medium sits under lam2008's 50 % bound; no source measured "
      "depth against pressure",
      "depth efficiency for needles of 1.5 mm and longer (0.30-0.85) is chosen to agree with "
      "lima2013's injury classes, not measured",
      "per-puncture depth spread: coefficient of variation 0.15 (kalluri2011 measured 6 % in the "
      "lab)",
      "effective depth never exceeds the nominal needle length",
      "the same efficiency curve applies to pens (makers claim pressure-independent depth, "
      "sasaki2012; not assumed here)",
      "papillary dermis = top share of the dermis given by papillary_fraction (default 0.2)",
      "each channel's epidermis and dermis thickness is drawn uniformly from the region's range",
      "a channel that slides into an earlier hole takes the deeper of the two depths",
      "pinpoint bleeding is expected when at least half the channels reach the dermis "
      "(lima2013: red-cell extravasation once needles reach the papillary dermis)",
  };
  return text;
}

double sample_depth_um(double needle_length_mm, const DepthEfficiency& efficiency, Rng& rng) {
  const double nominal_um = needle_length_mm * 1000;
  const double depth = nominal_um * efficiency.mean * (1 + efficiency.cv * rng.normal());
  return std::clamp(depth, 0.0, nominal_um);
}

DepthClass classify_depth(double depth_um, double epidermis_um, double dermis_um,
                          double papillary_fraction) {
  if (depth_um < epidermis_um) return DepthClass::epidermis;
  if (depth_um < epidermis_um + papillary_fraction * dermis_um) return DepthClass::papillary_dermis;
  if (depth_um < epidermis_um + dermis_um) return DepthClass::reticular_dermis;
  return DepthClass::beyond_dermis;
}

DepthClassFractions expected_depth_classes(double needle_length_mm,
                                           const DepthEfficiency& efficiency,
                                           const SkinLayers& skin) {
  const double nominal_um = needle_length_mm * 1000;
  const double mu = nominal_um * efficiency.mean;
  const double sigma = std::max(1e-9, mu * efficiency.cv);
  // P(depth < b) for the clamped normal.
  auto below = [&](double b) {
    if (b <= 0) return 0.0;
    if (b > nominal_um) return 1.0;
    return normal_cdf((b - mu) / sigma);
  };
  constexpr int kSteps = 32;
  DepthClassFractions out;
  for (int i = 0; i < kSteps; ++i) {
    const double e = skin.epidermis_um.min_um +
                     (i + 0.5) / kSteps * (skin.epidermis_um.max_um - skin.epidermis_um.min_um);
    for (int j = 0; j < kSteps; ++j) {
      const double d = skin.dermis_um.min_um +
                       (j + 0.5) / kSteps * (skin.dermis_um.max_um - skin.dermis_um.min_um);
      const double p_epi = below(e);
      const double p_pap = below(e + skin.papillary_fraction * d);
      const double p_der = below(e + d);
      out.fraction[0] += p_epi;
      out.fraction[1] += p_pap - p_epi;
      out.fraction[2] += p_der - p_pap;
      out.fraction[3] += 1 - p_der;
    }
  }
  for (double& f : out.fraction) f /= kSteps * kSteps;
  return out;
}

std::string to_string(DepthClass c) {
  switch (c) {
    case DepthClass::epidermis: return "epidermis";
    case DepthClass::papillary_dermis: return "papillary_dermis";
    case DepthClass::reticular_dermis: return "reticular_dermis";
    case DepthClass::beyond_dermis: return "beyond_dermis";
  }
  return "?";
}

}  // namespace dermaplan::simulation
