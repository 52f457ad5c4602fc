"""The agency tree: City People's Committee, Sở/ban/ngành, districts, their divisions and wards."""
