#include "clinic/consent.h"

#include <gtest/gtest.h>

#include "core/errors.h"

#include "store_test_support.h"
#include "test_support.h"

namespace dermaplan::clinic {
namespace {

TEST(ConsentForm, ListsEveryItemAndRiskWithSourcesUnderAVersion) {
  const auto& kb = testing::bundled_kb();
  ASSERT_FALSE(kb.risks.empty());
  const auto form = consent_form(kb, kb.find_indication("acne-scars"));
  ASSERT_EQ(form.risks.size(), kb.risks.size());
  EXPECT_EQ(form.items.size(), kb.consent.items.size());
  for (const auto& risk : form.risks) {
    EXPECT_FALSE(risk.sources.empty()) << risk.id;
    EXPECT_NE(form.text.find(risk.text), std::string::npos) << risk.id;
  }
  EXPECT_NE(form.version.find(kb.consent.version), std::string::npos);
  EXPECT_NE(form.version.find(kb.version), std::string::npos);
  ASSERT_NE(form.indication, nullptr);
  EXPECT_EQ(form.indication->id, "acne-scars");
  // The seeds' side effects are all on the form (seed 004).
  for (const char* id : {"erythema-irritation", "hyperpigmentation", "scarring", "needle-hypersensitivity"}) {
    bool found = false;
    for (const auto& risk : form.risks) found |= risk.id == id;
    EXPECT_TRUE(found) << id;
  }
}

TEST(ConsentForm, IsOneFormPerIndication) {
  const auto& kb = testing::bundled_kb();
  const auto general = consent_form_for(kb, "");
  const auto acne = consent_form_for(kb, "acne-scars");
  const auto wrinkles = consent_form_for(kb, "fine-wrinkles");
  EXPECT_EQ(general.indication, nullptr);
  EXPECT_NE(acne.version, general.version);
  EXPECT_NE(acne.version, wrinkles.version);
  EXPECT_NE(acne.text.find(kb.find_indication("acne-scars")->name), std::string::npos);
}

TEST(ConsentForm, UnknownIndicationNamesTheFieldAndTheAcceptedIds) {
  const auto& kb = testing::bundled_kb();
  try {
    consent_form_for(kb, "acne-scar", "?indication");
    FAIL() << "accepted an unknown indication";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "?indication");
    EXPECT_NE(e.message().find("acne-scars"), std::string::npos) << e.message();
  }
}

TEST(ConsentForm, AChangedRiskTextMakesAnEarlierConsentStale) {
  const auto& kb = testing::bundled_kb();
  const auto before = consent_form(kb, kb.find_indication("acne-scars"));
  records::Consent on_record;
  on_record.text_version = before.version;
  on_record.consent_text = before.text;
  EXPECT_TRUE(consent_is_current(kb, on_record, "acne-scars"));
  EXPECT_FALSE(consent_is_current(kb, on_record, "fine-wrinkles")) << "another indication's form";

  kb::KnowledgeBase changed = kb;  // the same knowledge base version, one risk reworded
  changed.risks.front().text += " (reworded)";
  const auto after = consent_form(changed, changed.find_indication("acne-scars"));
  EXPECT_NE(after.version, before.version);
  EXPECT_FALSE(consent_is_current(changed, on_record, "acne-scars"));
}

class RecordConsent : public records::testing::StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(RecordConsent);

TEST_P(RecordConsent, StoresTheExactTextOfTheIndicationsFormAndRefusesAStaleVersion) {
  const auto& kb = testing::bundled_kb();
  auto store = open();
  const auto admin = make_admin(*store);
  const auto patient = make_patient(*store, admin, "Ada Example");
  const auto form = consent_form_for(kb, "acne-scars");

  ConsentRequest request;
  request.patient_id = patient.id;
  request.consented_by = "Ada Example";
  request.consented_at_ms = 1'790'000'000'000;
  request.indication = "acne-scars";
  request.text_version = form.version;
  const auto consent = record_consent(*store, kb, admin, request);
  EXPECT_EQ(consent.text_version, form.version);
  EXPECT_EQ(consent.consent_text, form.text);
  EXPECT_TRUE(consent_is_current(kb, consent, "acne-scars"));

  request.text_version = consent_form_for(kb, "").version;  // shown the general form
  try {
    record_consent(*store, kb, admin, request);
    FAIL() << "a consent to a form that was not shown was recorded";
  } catch (const records::ConflictError& e) {
    EXPECT_EQ(e.where(), "/text_version");
  }
  EXPECT_EQ(store->list_consents(patient.id).size(), 1u);
}

}  // namespace
}  // namespace dermaplan::clinic
