"""Rules of the joint party committee: units, rotation, progress, agenda and its meetings."""
