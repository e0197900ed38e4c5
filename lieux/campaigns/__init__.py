"""Update campaigns (docs/campaigns.md): lieux check their hours and facts from a link."""
