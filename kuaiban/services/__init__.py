"""快办 services: catalogue, bundled "一件事" cases, time limits, commitments, ratings (人社部发〔2020〕26号)."""
