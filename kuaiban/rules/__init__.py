"""Rules as code (政策计算): an OpenFisca country package for the compilations' computable policies."""
