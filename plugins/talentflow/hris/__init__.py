"""HRIS sync: any vendor's exports, mapped by a YAML file onto TalentFlow's canonical entities."""
