"""The generated tables' contents: each kind draws random numbers that satisfy its identities
(gen_tables.py renders and scores them). Word pools are generic Swedish accounting terms."""
from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TrueRow:
    label: str
    values: tuple  # float | None per value column (indicator: start, target, outcome)
    note: str | None = None  # "3": the note ref printed with the row
    code: str | None = None  # indicator rows: the committee code
    status: str | None = None  # indicator rows: the status words
    section: str | None = None  # a group label printed above this row
    short: bool = False  # a row with only its last columns filled: empty cells are left blank


@dataclass
class TrueTable:
    kind: str
    title: str
    columns: list[str]  # value columns; `periods` hold the second header line when split
    rows: list[TrueRow]
    unit: str = "mnkr"
    notes: str = "none"  # none | column ("Not" header column) | inline ("Not 3" after the label)
    style: dict = field(default_factory=dict)
    head: list[str] = field(default_factory=list)  # header words before the value columns (indicator)
    groups: list[str] = field(default_factory=list)  # two-level header: the group line over `subs`
    subs: list[str] = field(default_factory=list)  # the sub-columns under each group


def _style(rng: random.Random, **fixed) -> dict:
    s = {
        "minus": rng.choice(["-", "−", "–"]),
        "sep": rng.choice(["single", "single", "wide"]),
        "blank": rng.random() < 0.25,
        "header": rng.choice(["one", "two", "two", "three"]),
        "wrap": rng.random() < 0.2,
        # a wrapped label: its first words on a line above the numbers, or its last words below
        "wrap_at": rng.choice(["above", "below"]),
    }
    s.update(fixed)
    return s


def _periods(rng: random.Random, k: int) -> list[str]:
    year = rng.randint(2018, 2025)
    month = rng.choice(["04", "06", "08", "10"])
    pool = [f"Utfall {year}-{month}", f"Utfall {year - 1}-{month}", f"Prognos {year}", f"Budget {year}",
            f"Utfall {year - 1}"]
    if k == 2:
        return pool[:2] if rng.random() < 0.6 else [f"Utfall {year}-{month}", f"Budget {year}"]
    return pool[:k]


def _units(rng: random.Random) -> tuple[str, int]:
    """(unit, scale): mnkr figures run to five digits, tkr to eight."""
    return ("tkr", 1000) if rng.random() < 0.25 else ("mnkr", 1)


def income_statement(rng: random.Random, i: int) -> TrueTable:
    k = rng.choice([2, 3, 4, 4])
    unit, scale = _units(rng)
    cols = _periods(rng, k)
    varav = rng.random() < 0.5
    notes = rng.choice(["none", "column", "inline"])
    rows: dict[str, list] = {lab: [] for lab in (
        "Verksamhetens intäkter", "Verksamhetens kostnader", "varav personalkostnader",
        "varav övriga kostnader", "Avskrivningar", "Verksamhetens nettokostnad", "Skatteintäkter",
        "Generella statsbidrag och utjämning", "Verksamhetens resultat", "Finansiella intäkter",
        "Finansiella kostnader", "Resultat efter finansiella poster", "Årets resultat")}
    for _ in range(k):
        inc = rng.randint(300, 3000) * scale
        pers = -rng.randint(2000, 9000) * scale
        other = -rng.randint(1500, 8000) * scale
        dep = -rng.randint(80, 600) * scale
        cost = pers + other
        net = inc + cost + dep
        tax = int(-net * rng.uniform(0.6, 0.8))
        res = rng.randint(-300, 400) * scale
        grants = -net - tax + res
        fin_in, fin_out = rng.randint(5, 400) * scale, -rng.randint(5, 300) * scale
        after = res + fin_in + fin_out
        for lab, v in zip(rows, (inc, cost, pers, other, dep, net, tax, grants, res, fin_in, fin_out, after, after)):
            rows[lab].append(float(v))
    note_no = iter(range(1, 40))
    out = []
    for lab, vals in rows.items():
        if lab.startswith("varav") and not varav:
            continue
        note = str(next(note_no)) if notes != "none" and lab in (
            "Verksamhetens intäkter", "Skatteintäkter", "Generella statsbidrag och utjämning",
            "Finansiella intäkter", "Finansiella kostnader", "Avskrivningar") else None
        out.append(TrueRow(lab, tuple(vals), note))
    title = rng.choice([f"Resultaträkning ({unit})", f"Resultaträkning, {unit}", "Resultaträkning"])
    return TrueTable("resultat", title, cols, out, unit, notes, _style(rng))


def balance_sheet(rng: random.Random, i: int) -> TrueTable:
    unit, scale = _units(rng)
    year = rng.randint(2018, 2025)
    cols = [f"{year}-{rng.choice(['04-30', '06-30', '08-31'])}", f"{year - 1}-12-31"]
    vals: dict[str, list] = {}
    labels_a = ["Immateriella anläggningstillgångar", "Mark, byggnader och tekniska anläggningar",
                "Maskiner och inventarier", "Finansiella anläggningstillgångar", "Summa anläggningstillgångar",
                "Förråd", "Fordringar", "Kortfristiga placeringar", "Kassa och bank", "Summa omsättningstillgångar",
                "SUMMA TILLGÅNGAR"]
    labels_l = ["Eget kapital", "Avsättningar för pensioner", "Långfristiga skulder", "Kortfristiga skulder",
                "Summa eget kapital, avsättningar och skulder"]
    for lab in labels_a + labels_l:
        vals[lab] = []
    for _ in cols:
        fixed = [rng.randint(0, 200) * scale, rng.randint(2000, 9000) * scale, rng.randint(300, 2000) * scale,
                 rng.randint(50, 4000) * scale]
        current = [rng.randint(20, 200) * scale, rng.randint(400, 2500) * scale, rng.randint(0, 3000) * scale,
                   rng.randint(10, 1500) * scale]
        total = sum(fixed) + sum(current)
        eq = int(total * rng.uniform(-0.2, 0.3))
        pens = int(total * rng.uniform(0.2, 0.5))
        longd = int(total * rng.uniform(0.0, 0.2))
        short = total - eq - pens - longd
        seq = fixed + [sum(fixed)] + current + [sum(current), total, eq, pens, longd, short, total]
        for lab, v in zip(labels_a + labels_l, seq):
            vals[lab].append(float(v))
    sections = {"Immateriella anläggningstillgångar": "Anläggningstillgångar", "Förråd": "Omsättningstillgångar",
                "Eget kapital": "EGET KAPITAL, AVSÄTTNINGAR OCH SKULDER"}
    note_no = iter(range(rng.randint(5, 12), 60))
    rows = []
    for lab, v in vals.items():
        note = str(next(note_no)) if not lab.lower().startswith("summa") and rng.random() < 0.8 else None
        rows.append(TrueRow(lab, tuple(v), note, section=sections.get(lab)))
    title = rng.choice([f"Balansräkning ({unit})", f"Balansräkning, {unit}"])
    return TrueTable("balans", title, cols, rows, unit, "column", _style(rng, header="one"))


def cash_flow(rng: random.Random, i: int) -> TrueTable:
    k = rng.choice([2, 3])
    unit, scale = _units(rng)
    cols = _periods(rng, k)
    names = ["Årets resultat", "Justering för av- och nedskrivningar", "Justering för pensionsavsättningar",
             "Medel från verksamheten före förändring av rörelsekapital", "Förändring av kortfristiga fordringar",
             "Förändring av kortfristiga skulder", "Kassaflöde från den löpande verksamheten",
             "Investering i materiella anläggningstillgångar", "Försäljning av materiella anläggningstillgångar",
             "Kassaflöde från investeringsverksamheten", "Nyupptagna lån", "Amortering av skuld",
             "Kassaflöde från finansieringsverksamheten", "Årets kassaflöde", "Likvida medel vid årets början",
             "Likvida medel vid årets slut"]
    vals = {n: [] for n in names}
    for _ in range(k):
        r, d, p = rng.randint(-200, 400), rng.randint(100, 600), rng.randint(-50, 300)
        m = r + d + p
        x, y = rng.randint(-300, 300), rng.randint(-300, 300)
        run = m + x + y
        inv, sale = -rng.randint(100, 900), rng.randint(0, 50)
        invsum = inv + sale
        loan, amort = rng.randint(0, 300), -rng.randint(0, 200)
        fin = loan + amort
        year = run + invsum + fin
        begin = rng.randint(100, 3000)
        seq = [r, d, p, m, x, y, run, inv, sale, invsum, loan, amort, fin, year, begin, begin + year]
        for n, v in zip(names, seq):
            vals[n].append(float(v * scale))
    sections = {"Årets resultat": "Den löpande verksamheten", "Investering i materiella anläggningstillgångar":
                "Investeringsverksamheten", "Nyupptagna lån": "Finansieringsverksamheten"}
    rows = [TrueRow(n, tuple(v), section=sections.get(n)) for n, v in vals.items()]
    title = rng.choice([f"Kassaflödesanalys ({unit})", f"Kassaflödesanalys, {unit}"])
    return TrueTable("kassaflode", title, cols, rows, unit, "none", _style(rng))


_COMMITTEES = ["Hälso- och sjukvårdsnämnden", "Regionstyrelsen", "Kulturnämnden", "Kollektivtrafiknämnden",
               "Patientnämnden", "Regionala utvecklingsnämnden", "Revisionen", "Servicenämnden",
               "Tandvårdsnämnden", "Folkhögskolestyrelsen", "Finansförvaltningen", "Miljö- och byggnämnden"]


def operating_statement(rng: random.Random, i: int) -> TrueTable:
    year = rng.randint(2018, 2025)
    decimals = rng.random() < 0.3
    cols = rng.choice([[f"Budget {year}", f"Utfall {year}", "Avvikelse"],
                       [f"Budget {year}", f"Prognos {year}", "Budgetavvikelse"]])
    names = rng.sample(_COMMITTEES, rng.randint(4, 9))
    rows = []
    tot = [0.0, 0.0]
    for n in names:
        b = -rng.randint(5, 12000) * (1 if not decimals else 1)
        u = b + rng.randint(-400, 300)
        if decimals:
            b, u = b + rng.randint(0, 9) / 10, u + rng.randint(0, 9) / 10
        b, u = round(b, 1), round(u, 1)
        tot[0] += b
        tot[1] += u
        rows.append(TrueRow(n, (b, u, round(u - b, 1))))
    tot = [round(x, 1) for x in tot]
    rows.append(TrueRow(rng.choice(["Summa", "Totalt"]), (tot[0], tot[1], round(tot[1] - tot[0], 1))))
    title = rng.choice(["Driftredovisning per nämnd (mnkr)", "Nettokostnad per nämnd, mnkr",
                        "Driftredovisning (mnkr)"])
    style = _style(rng, header="one")
    if style["sep"] == "wide" and rng.random() < 0.7:
        # a short right-aligned row: only the deviation is given (padded dumps show its column)
        dev = float(rng.randint(-90, 90)) + (rng.randint(0, 9) / 10 if decimals else 0)
        rows.append(TrueRow(rng.choice(["Avvikelse mot föregående prognos", "Ej fördelade poster"]),
                            (None, None, dev), short=True))
    return TrueTable("drift", title, cols, rows, "mnkr", "none", style)


_CODES = ["RS", "HSN", "RUN", "KFN", "PN", "TN", "SN"]
_INDICATORS = ["Andel patienter med vårdplan", "Antal besök i primärvården per invånare",
               "Andel nöjda medarbetare", "Sjukfrånvaro bland anställda", "Andel förnybar energi",
               "Väntetid till första besök", "Andel elever som fullföljer utbildningen",
               "Antal resor med kollektivtrafik", "Andel inköp enligt avtal", "Personalomsättning"]


def indicator(rng: random.Random, i: int) -> TrueTable:
    year = rng.randint(2019, 2025)
    # committee codes the reader has never seen: two to four capitals, made up per table
    codes = [rng.choice(_CODES)] + ["".join(rng.choice("BCDFGHKLMNPRSTV") for _ in range(rng.randint(2, 4)))
                                    for _ in range(2)]
    rows = []
    for lab in rng.sample(_INDICATORS, rng.randint(3, 6)):
        pct = rng.random() < 0.5
        lo, hi = (10, 95) if pct else (100, 9000)
        start = rng.randint(lo, hi)
        target = start + rng.randint(1, 10) if pct else start + rng.randint(10, 500)
        outcome = start + rng.randint(-5, 12) if pct else start + rng.randint(-200, 600)
        status = "Uppnått" if outcome >= target else rng.choice(["Delvis uppnått", "Ej uppnått"])
        rows.append(TrueRow(lab + (" (%)" if pct else ""), (float(start), float(target), float(outcome)),
                            code=rng.choice(codes), status=status))
    title = f"Mål {rng.randint(1, 9)}. " + rng.choice(["En god och jämlik hälsa", "Hållbar tillväxt i hela länet",
                                                      "Attraktiv arbetsgivare", "Kostnadseffektiv verksamhet"])
    cols = [f"Ingångsvärde {year - 1}", f"Målvärde {year}", f"Utfall {year}"]
    return TrueTable("indicator", title, cols, rows, "", "none", _style(rng, header="one", wrap=False),
                     head=["Indikator", "Nämnd"])


_AREAS = ["Primärvård", "Specialiserad somatisk vård", "Psykiatri", "Tandvård", "Kollektivtrafik",
          "Kultur och bildning", "Regional utveckling", "Fastigheter och service", "Läkemedel",
          "Ambulanssjukvård", "Habilitering och hjälpmedel", "Gemensamma kostnader"]


def two_level(rng: random.Random, i: int) -> TrueTable:
    """A group line over sub-columns: periods over "Utfall Budget Avvikelse" (Avvikelse = Utfall −
    Budget within each group), or entities over periods; a Summa row over the areas."""
    year = rng.randint(2019, 2025)
    shape = rng.choice(["years", "years", "periods", "entities"])
    if shape == "years":
        groups = [str(year - 1), str(year)]
        subs = rng.choice([["Utfall", "Budget", "Avvikelse"], ["Utfall", "Budget", "Avvikelse"], ["Budget", "Utfall"]])
    elif shape == "periods":
        groups = [f"Jan–aug {year - 1}", f"Jan–aug {year}"]
        subs = ["Utfall", "Budget"]
    else:
        groups = ["Koncernen", "Regionen"]
        subs = [f"{year}-08-31", f"{year - 1}-12-31"]
    names = rng.sample(_AREAS, rng.randint(4, 8))
    rows, tot = [], [0] * (len(groups) * len(subs))
    for n in names:
        vals = []
        for _g in groups:
            a = -rng.randint(20, 6000)
            b = a + rng.randint(-300, 300)
            grp = {"Utfall": a, "Budget": b, "Avvikelse": a - b}
            vals += [grp[s] for s in subs] if "Utfall" in subs else [a, b]
        tot = [x + v for x, v in zip(tot, vals)]
        rows.append(TrueRow(n, tuple(float(v) for v in vals)))
    rows.append(TrueRow(rng.choice(["Summa", "Totalt"]), tuple(float(v) for v in tot)))
    title = rng.choice(["Nettokostnad per verksamhetsområde (mnkr)", "Verksamheternas nettokostnader, mnkr",
                        "Ekonomiskt utfall per område (mnkr)"])
    cols = [f"{g} {s}" for g in groups for s in subs]
    return TrueTable("twolevel", title, cols, rows, "mnkr", "none", _style(rng, header="two"),
                     groups=groups, subs=subs)


_KEY_FIGURES = [("Årets resultat (mnkr)", "signed"), ("Nettokostnadsutveckling (%)", "pct"),
                ("Antal anställda", "count"), ("Sjukfrånvaro (%)", "pct"), ("Skattesats (kr)", "rate"),
                ("Investeringar (mnkr)", "count"), ("Soliditet (%)", "pct"), ("Låneskuld (mnkr)", "count"),
                ("Balanskravsresultat (mnkr)", "signed"), ("Antal vårdplatser", "count"),
                ("Prognos helår (mnkr)", "signed"), ("Budgetavvikelse (mnkr)", "signed")]


def slide(rng: random.Random, i: int) -> TrueTable:
    """A slide's key figures dumped as text: each value on its own line after its label, or all
    labels first and then a block of values in the same order (style["slide"])."""
    rows = []
    for lab, how in rng.sample(_KEY_FIGURES, rng.randint(3, 6)):
        v = {"signed": rng.randint(-900, 900), "pct": rng.randint(-50, 150) / 10 if rng.random() < 0.3
             else rng.randint(0, 400) / 10, "count": rng.randint(50, 20000),
             "rate": rng.randint(100, 120) / 10}[how]
        rows.append(TrueRow(lab, (float(v),)))
    title = rng.choice(["Ekonomi i korthet", "Nyckeltal", "Läget i siffror", "Ekonomiskt läge"])
    return TrueTable("slide", title, ["Värde"], rows, "", "none",
                     _style(rng, header="none", wrap=False, sep="single", slide=rng.choice(["own", "block"])))


def goal_plain(rng: random.Random, i: int) -> TrueTable:
    """A goal/indicator table without committee codes: label, start value, target, outcome, status;
    long labels wrap (their last words on the next line, or their first words above)."""
    t = indicator(rng, i)
    rows = [TrueRow(r.label, r.values, status=r.status) for r in t.rows]
    return TrueTable("goal_plain", t.title, t.columns, rows, "", "none",
                     _style(rng, header="one", wrap=rng.random() < 0.7), head=["Indikator"])


_BREAKDOWNS = ["Kvinnor", "Män", "Sjuksköterskor", "Undersköterskor", "Läkare", "Korttidsfrånvaro",
               "Långtidsfrånvaro", "Tillsvidareanställda", "Visstidsanställda"]


def key_ratios(rng: random.Random, i: int) -> TrueTable:
    """A staff key-ratio table: two periods and a target column; the total row has a target, its
    breakdown rows (by sex, profession, length of absence) leave the target cell blank — a
    short row whose empty cells are its last ones. Rendered with one space, or the several
    spaces of a dump without layout, between cells."""
    year = rng.randint(2019, 2025)
    month = rng.choice(["apr", "jun", "aug", "okt"])
    cols = [f"jan–{month} {year}", f"jan–{month} {year - 1}", f"Mål {year}"]
    lab = rng.choice(["Sjukfrånvaro", "Personalomsättning", "Andel heltidsarbetande"])

    def pct() -> float:
        return rng.randint(15, 150) / 10

    rows = [TrueRow(f"{lab} totalt", (pct(), pct(), pct()))]
    rows += [TrueRow(n, (pct(), pct(), None), short=True) for n in rng.sample(_BREAKDOWNS, rng.randint(2, 4))]
    return TrueTable("key_ratios", f"{lab} (procent)", cols, rows, "procent", "none",
                     _style(rng, header="one", wrap=False, sep=rng.choice(["single", "gap3"])))


KINDS = [income_statement, balance_sheet, cash_flow, operating_statement, indicator, two_level, slide,
         goal_plain, key_ratios]
