"""Carrier integrations, one small adapter per carrier, behind `ports.CarrierProvider`."""
