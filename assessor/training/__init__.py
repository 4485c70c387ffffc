"""Training and calibration of assessor models from rated data (needs the `train` extra)."""
