"""The fixed content ids the tests hold the YAML to, written out once so a renamed or
missing entry fails loudly instead of silently shrinking what is tested."""

BENEFIT_IDS = [
    "stress",
    "injury_prevention",
    "recovery",
    "sleep",
    "circulation",
    "lymphatic",
    "joint_pain",
]

CONTRAINDICATION_IDS = [
    "dvt_signs",
    "known_clot",
    "lung_clot_signs",
    "fluid_swelling",
    "fever",
    "cellulitis",
    "lymphoedema",
    "varicose_veins",
    "open_wound_or_burn",
    "injury_or_surgery",
    "inflamed_joint",
    "unexplained_pain",
    "arterial_disease",
    "diabetic_neuropathy",
    "bleeding_risk",
    "pregnancy",
    "cancer",
]
