"""Content of the demo workshop: plain Python data, written for this project.

The dilemma comes from Vaughan Turekian and Peter Gluckman, "Science Diplomacy and the Rise of
Technopoles" (Issues in Science and Technology, Fall 2024). Every statement and the summary below
are phrased in our own words; evidence items cite public sources, and the essay where a point rests
on it.

Each statement carries the camp that tends to accept it ("lean": national, global, both or
neutral) and an honest judgement of how well it serves each pole ("lens": national interest,
global public good; each 0..4). The demo loader turns these into generated votes.

STATEMENTS is ordered so that every parent, including a second parent, comes before its children.
"""

DEMO_SLUG = "science-diplomacy"

ESSAY = (
    'Vaughan Turekian and Peter Gluckman, "Science Diplomacy and the Rise of Technopoles," '
    "Issues in Science and Technology (Fall 2024)"
)
ESSAY_URL = "https://issues.org/"

WORKSHOP = {
    "title": "Science diplomacy: national interest or global public good?",
    "question": "When countries use science in their foreign relations, should they aim first at their own "
    "security and prosperity or at shared global goals, and is there a way to pursue both?",
    "description": "Science now sits at the centre of both global problem-solving and great-power rivalry, and "
    "governments have to decide what research to share, with whom and for what purpose. Read the briefing, "
    "explore the map and add the reasons and evidence you know. Then rate each statement: do you agree, and how "
    "well does it serve the national interest and the global public good?",
    "pole_a": "National interest",
    "pole_b": "Global public good",
}

DOCUMENT = {
    "title": "Briefing: science diplomacy in an age of rival technology powers",
    "citation": ESSAY,
    "url": ESSAY_URL,
    "text": """For about thirty years after the Cold War, governments increasingly treated science as part of foreign policy. Around 2000 the US State Department created a science adviser post for the Secretary of State, other foreign ministries built similar expertise, and non-governmental bodies such as the AAAS Center for Science Diplomacy, founded in 2008, promoted research cooperation as a route to better relations. Smaller countries took part too: New Zealand, Singapore, Israel and Rwanda used research links to attract investment, know-how and goodwill.

Turekian and Gluckman, both former government science advisers, argue that the conditions behind this model are disappearing. Wars in Ukraine and the Middle East, rivalry between major powers and a wave of dual-use technologies, from artificial intelligence and synthetic biology to quantum and space systems, have bound research tightly to security and economic strength. Governments now restrict more of what they share, classic export controls look too crude for the job, and large technology firms operate across borders with little oversight. China, once a keen promoter of joint research, now stresses self-reliance. The authors propose the name "technopoles" for powers whose standing rests on how they develop and control technology, not only on their political creed.

This leaves science diplomacy with a basic dilemma. One view holds that its job is to advance a country's own security and economic position. The other holds that it should treat science as a public good for the whole planet, working on climate, pandemics and development, on the grounds that progress there benefits every nation as well. The authors ask whether the field can do both, and how. They note that research security rules are already being ranked above shared goals such as cutting emissions, even among allies, and that agreements which run ahead of domestic consensus tend to fail, as the Kyoto Protocol did in the United States.

They propose four routes. The first is cooperation among allied or like-minded countries: the technology pillar of AUKUS and the EU's data protection rules show how partners can pool work and spread shared values. The second is informal, scientist-to-scientist diplomacy, which has a long record, from the International Geophysical Year that led to the Antarctic Treaty to the US National Academy of Sciences' part in the opening to Cuba, and which the planned 2032-33 International Polar Year could continue. The third is trusted brokers such as the International Science Council, which links academies around the world to UN processes. The fourth is common standards for data and artificial intelligence, where bodies like CODATA and the World Data System could offer neutral ground.

The essay ends with a warning and a demand. Global commitments such as the Sustainable Development Goals are off track, and the 2024 Pact for the Future risks reducing science either to a supplier of technical fixes or to a source of ignored advice. Science needs a larger, hands-on part in tackling problems worldwide and close to home, and more countries should place science advisers inside their foreign ministries.

This briefing was written for the workshop in our own words. Read the original essay for the authors' full argument.""",
}

_NI, _GG, _BOTH, _NEUTRAL = "national", "global", "both", "neutral"


def _essay() -> dict:
    return {"citation": ESSAY, "url": ESSAY_URL, "kind": "expert", "quote": ""}


def _source(citation: str, url: str, kind: str = "report", quote: str = "") -> dict:
    return {"citation": citation, "url": url, "kind": kind, "quote": quote}


STATEMENTS = [
    # --- The first four come first on purpose: the loader's sample annotations refer to them ----
    {
        "key": "ni-first",
        "kind": "position",
        "title": "National interest first",
        "text": "Science diplomacy should first serve the country that pays for it: protect its security, strengthen "
        "its economy and win it partners. Global goals matter, but only after that.",
        "parents": [("question", "answers")],
        "lean": _NI,
        "lens": (4, 1),
    },
    {
        "key": "dual-use",
        "kind": "claim",
        "title": "Frontier technologies are dual-use",
        "text": "AI, quantum computing, synthetic biology and space systems feed directly into military and economic "
        "power, so open exchange in these fields can arm a rival.",
        "parents": [("ni-first", "supports")],
        "lean": _NI,
        "lens": (4, 1),
    },
    {
        "key": "gg-first",
        "kind": "position",
        "title": "Global public good first",
        "text": "Science diplomacy should treat knowledge as a shared resource and put problems no country can solve "
        "alone, such as climate change and pandemics, ahead of national advantage.",
        "parents": [("question", "answers")],
        "lean": _GG,
        "lens": (1, 4),
    },
    {
        "key": "both",
        "kind": "position",
        "title": "Both can be served",
        "text": "National and global aims can be pursued together: through alliances of like-minded countries, "
        "scientist-led channels, trusted international bodies and shared technical standards.",
        "parents": [("question", "answers")],
        "lean": _BOTH,
        "lens": (3, 3),
    },
    # --- Under "national interest first" ------------------------------------------------------
    {
        "key": "secrecy-backfires",
        "kind": "claim",
        "title": "Closing research off weakens your own science",
        "text": "Cutting ties with foreign researchers also cuts domestic scientists off from the best work abroad, "
        "so over time it erodes the very capacity it is meant to protect.",
        "parents": [("ni-first", "opposes"), ("dual-use", "opposes")],
        "lean": _GG,
        "lens": (3, 3),
    },
    {
        "key": "chip-controls",
        "kind": "evidence",
        "title": "US controls on advanced AI chips (2022)",
        "text": "In October 2022 the US Commerce Department restricted exports of advanced computing chips and "
        "chip-making equipment to China, citing their use in military systems.",
        "parents": [("dual-use", "supports")],
        "lean": _NI,
        "lens": (4, 0),
        "source": _source(
            "US Department of Commerce, Bureau of Industry and Security: export controls on advanced computing "
            "and semiconductor manufacturing items (7 October 2022)",
            "https://www.bis.doc.gov/",
        ),
    },
    {
        "key": "talent",
        "kind": "claim",
        "title": "Suspicion drives talent away",
        "text": "Researchers choose where to work partly by how freely they can collaborate. Blanket suspicion of "
        "foreign ties makes gifted people, including immigrants, leave or never come.",
        "parents": [("secrecy-backfires", "supports")],
        "lean": _GG,
        "lens": (3, 2),
    },
    {
        "key": "china-initiative",
        "kind": "evidence",
        "title": "The US ended its China Initiative (2022)",
        "text": "In February 2022 the US Justice Department closed its China Initiative after collapsed cases and "
        "complaints that it singled out scientists of Chinese descent and hurt the recruitment of top researchers.",
        "parents": [("talent", "supports")],
        "lean": _GG,
        "lens": (2, 3),
        "source": _source(
            "US Department of Justice, National Security Division: remarks by Assistant Attorney General Matthew "
            "Olsen ending the China Initiative (23 February 2022)",
            "https://www.justice.gov/",
            kind="news",
        ),
    },
    {
        "key": "leaks-are-real",
        "kind": "claim",
        "title": "Research theft is a real cost",
        "text": "Several governments have documented undisclosed foreign funding and stolen research in their "
        "universities. Openness has security costs that cannot simply be wished away.",
        "parents": [("secrecy-backfires", "opposes")],
        "lean": _NI,
        "lens": (4, 1),
    },
    {
        "key": "export-controls-blunt",
        "kind": "claim",
        "title": "Export controls alone are too blunt",
        "text": "Knowledge now moves through papers, code, students and cloud services, not only through shipped "
        "goods. Guarding it takes research security rules, not just customs lists.",
        "parents": [("dual-use", "supports")],
        "lean": _NI,
        "lens": (4, 0),
    },
    {
        "key": "eu-research-security",
        "kind": "evidence",
        "title": "EU recommendation on research security (2024)",
        "text": "In May 2024 the Council of the EU asked member states to protect sensitive research through risk "
        "assessment, due diligence on foreign partners and support for universities.",
        "parents": [("export-controls-blunt", "supports")],
        "lean": _NI,
        "lens": (4, 1),
        "source": _source(
            "Council of the European Union, Council Recommendation on enhancing research security (23 May 2024)",
            "https://research-and-innovation.ec.europa.eu/",
        ),
    },
    {
        "key": "most-research-harmless",
        "kind": "claim",
        "title": "Most research carries no military risk",
        "text": "Only a thin slice of science has direct weapons or surveillance uses. Treating every foreign "
        "collaboration as a threat spends security effort where it buys little.",
        "parents": [("dual-use", "opposes")],
        "lean": _GG,
        "lens": (2, 3),
    },
    {
        "key": "domestic-consensus",
        "kind": "claim",
        "title": "Deals without support at home collapse",
        "text": "International agreements stick only when voters and legislatures back them. Diplomacy that runs "
        "ahead of domestic politics loses, because national priorities decide in the end.",
        "parents": [("ni-first", "supports")],
        "lean": _NI,
        "lens": (4, 1),
    },
    {
        "key": "kyoto",
        "kind": "evidence",
        "title": "The US never ratified the Kyoto Protocol",
        "text": "The 1997 Kyoto Protocol set binding emission cuts for industrialised countries. The United States "
        "signed it but never ratified it, because there was no majority for it at home.",
        "parents": [("domestic-consensus", "supports"), ("gg-first", "opposes")],
        "lean": _NI,
        "lens": (3, 2),
        "source": _source("UNFCCC, Kyoto Protocol (adopted 1997, in force 2005)", "https://unfccc.int/kyoto_protocol"),
    },
    {
        "key": "geo-turn",
        "kind": "claim",
        "title": "Governments are already putting security first",
        "text": "Across the major powers, research budgets and strategies are being steered toward security and "
        "competitiveness. A science diplomacy that ignores this shift will be sidelined.",
        "parents": [("ni-first", "supports")],
        "lean": _NI,
        "lens": (4, 1),
    },
    {
        "key": "china-self-reliance",
        "kind": "evidence",
        "title": "China's turn to scientific self-reliance",
        "text": "The essay observes that China, once eager to lead joint international research, now concentrates on "
        "building scientific strength that it controls itself.",
        "parents": [("geo-turn", "supports")],
        "lean": _BOTH,
        "lens": (3, 1),
        "source": _essay(),
    },
    {
        "key": "arctic-pause",
        "kind": "evidence",
        "title": "Arctic Council paused work with Russia (2022)",
        "text": "After the 2022 invasion of Ukraine, the seven other Arctic Council states paused their participation "
        "in the council's work, putting many joint projects with Russia on hold.",
        "parents": [("geo-turn", "supports")],
        "lean": _BOTH,
        "lens": (2, 1),
        "source": _source(
            "Arctic Council: joint statement by seven member states on cooperation (3 March 2022)",
            "https://arctic-council.org/",
            kind="news",
        ),
    },
    {
        "key": "draghi",
        "kind": "evidence",
        "title": "The Draghi report on EU competitiveness (2024)",
        "text": "Mario Draghi's September 2024 report urged the EU to close its innovation gap with the US and China, "
        "reduce strategic dependencies and tie industrial policy more closely to security.",
        "parents": [("geo-turn", "supports")],
        "lean": _NI,
        "lens": (3, 1),
        "source": _source(
            'European Commission, "The future of European competitiveness" (report by Mario Draghi, September 2024)',
            "https://commission.europa.eu/",
        ),
    },
    {
        "key": "ni-self-defeating",
        "kind": "claim",
        "title": "No country can wall itself off from warming",
        "text": "Floods, heatwaves and new viruses cross borders whatever the export rules say. A strategy aimed only "
        "at national advantage fails to protect the nation itself.",
        "parents": [("ni-first", "opposes")],
        "lean": _GG,
        "lens": (2, 4),
    },
    {
        "key": "pathogens",
        "kind": "claim",
        "title": "Early warning on disease needs open data",
        "text": "Spotting a new disease early depends on laboratories in many countries sharing samples and genetic "
        "sequences quickly, including countries that are otherwise at odds.",
        "parents": [("ni-self-defeating", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
    },
    {
        "key": "covid-genome",
        "kind": "evidence",
        "title": "The SARS-CoV-2 genome was shared in days",
        "text": "Chinese researchers made the genetic sequence of the new coronavirus public in January 2020, and "
        "vaccine developers around the world began designing candidates within days.",
        "parents": [("pathogens", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
        "source": _source(
            "World Health Organization, Timeline of WHO's response to COVID-19 (2020)", "https://www.who.int/"
        ),
    },
    # --- Under "global public good first" -----------------------------------------------------
    {
        "key": "commons",
        "kind": "claim",
        "title": "The global commons need pooled science",
        "text": "The atmosphere, the oceans, the polar regions and outer space belong to no single country; they can "
        "be managed well only when states pool their observations and research.",
        "parents": [("gg-first", "supports")],
        "lean": _GG,
        "lens": (2, 4),
    },
    {
        "key": "ipcc",
        "kind": "evidence",
        "title": "The IPCC gives all governments one evidence base",
        "text": "Since 1988 the Intergovernmental Panel on Climate Change has assessed the work of thousands of "
        "scientists, and member governments approve its summaries line by line.",
        "parents": [("commons", "supports")],
        "lean": _BOTH,
        "lens": (2, 4),
        "source": _source(
            "Intergovernmental Panel on Climate Change (IPCC), assessment reports", "https://www.ipcc.ch/"
        ),
    },
    {
        "key": "montreal",
        "kind": "evidence",
        "title": "The Montreal Protocol protected the ozone layer",
        "text": "Agreed in 1987 after scientists linked ozone loss to CFCs, the Montreal Protocol became the first "
        "treaty ratified by every UN member state, and the ozone layer is now recovering.",
        "parents": [("commons", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
        "source": _source(
            "UNEP Ozone Secretariat, Montreal Protocol on Substances that Deplete the Ozone Layer (1987)",
            "https://ozone.unep.org/treaties/montreal-protocol",
            quote="Montreal Protocol on Substances that Deplete the Ozone Layer",
        ),
    },
    {
        "key": "trust",
        "kind": "claim",
        "title": "Scientific ties keep channels open",
        "text": "When political relations freeze, links between scientists often survive and give governments a "
        "quiet way to keep talking. That serves every side.",
        "parents": [("gg-first", "supports")],
        "lean": _BOTH,
        "lens": (3, 3),
    },
    {
        "key": "jcpoa",
        "kind": "evidence",
        "title": "Nuclear scientists at the table for the Iran deal",
        "text": "The 2015 Iran nuclear agreement was helped along by the US energy secretary and the head of Iran's "
        "atomic energy agency, two nuclear scientists with MIT backgrounds who settled technical details together.",
        "parents": [("trust", "supports")],
        "lean": _BOTH,
        "lens": (4, 3),
        "source": _source(
            "Joint Comprehensive Plan of Action (Vienna, 14 July 2015); the scientists' part is described in " + ESSAY,
            "https://www.iaea.org/newscenter/focus/iran",
        ),
    },
    {
        "key": "sesame",
        "kind": "evidence",
        "title": "SESAME: rivals sharing one synchrotron",
        "text": "The SESAME light source in Jordan, opened in 2017, is run jointly by Cyprus, Egypt, Iran, Israel, "
        "Jordan, Pakistan, Palestine and Turkey.",
        "parents": [("trust", "supports")],
        "lean": _BOTH,
        "lens": (2, 4),
        "source": _source(
            "SESAME (Synchrotron-light for Experimental Science and Applications in the Middle East)",
            "https://www.sesame.org.jo/",
        ),
    },
    {
        "key": "trust-overstated",
        "kind": "claim",
        "title": "Scientific goodwill did not stop a war",
        "text": "Decades of research exchange with Russia did not prevent its invasion of Ukraine. Trust built in "
        "laboratories rarely changes what governments decide.",
        "parents": [("trust", "opposes")],
        "lean": _NI,
        "lens": (3, 1),
    },
    {
        "key": "cern",
        "kind": "evidence",
        "title": "CERN: shared science that paid off",
        "text": "CERN was founded in 1954 by twelve European states, including recent wartime enemies. It has since "
        "produced Nobel-winning physics and, in 1989, the invention of the World Wide Web.",
        "parents": [("gg-first", "supports"), ("secrecy-backfires", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
        "source": _source("CERN, Our history", "https://home.cern/about/who-we-are/our-history"),
    },
    {
        "key": "platforms",
        "kind": "claim",
        "title": "Tech giants slip past national rules",
        "text": "Large platform companies operate in every country and can sidestep any single government's rules. "
        "Only states acting together can hold them to account.",
        "parents": [("gg-first", "supports")],
        "lean": _GG,
        "lens": (2, 3),
    },
    {
        "key": "starlink",
        "kind": "evidence",
        "title": "A private satellite network in a war zone",
        "text": "The essay points to the owner of a private satellite internet service deciding how it could be used "
        "in the war in Ukraine, a kind of power that used to belong to states.",
        "parents": [("platforms", "supports")],
        "lean": _NEUTRAL,
        "lens": (2, 2),
        "source": _essay(),
    },
    {
        "key": "gg-naive",
        "kind": "claim",
        "title": "Sharing alone just helps rivals",
        "text": "If one country opens its laboratories while its competitors keep theirs closed, it gives away its "
        "lead and gets little in return.",
        "parents": [("gg-first", "opposes")],
        "lean": _NI,
        "lens": (4, 0),
    },
    {
        "key": "pledges-fail",
        "kind": "claim",
        "title": "Global pledges rarely deliver",
        "text": "Broad UN commitments on science and development are easy to sign and easy to ignore; they move "
        "little money and change little behaviour.",
        "parents": [("gg-first", "opposes")],
        "lean": _NI,
        "lens": (2, 1),
    },
    {
        "key": "sdg-report",
        "kind": "evidence",
        "title": "Most SDG targets are off track (2024)",
        "text": "The UN's own 2024 progress report found only about one in six measurable Sustainable Development "
        "Goal targets on track to be met by 2030.",
        "parents": [("pledges-fail", "supports")],
        "lean": _BOTH,
        "lens": (1, 2),
        "source": _source(
            "United Nations, The Sustainable Development Goals Report 2024",
            "https://unstats.un.org/sdgs/report/2024/",
            kind="statistic",
        ),
    },
    # --- Under "both can be served" -----------------------------------------------------------
    {
        "key": "mutual-gain",
        "kind": "claim",
        "title": "Shared programmes pay national dividends",
        "text": "Countries that join large research programmes gain money, facilities and partners they could not "
        "afford alone, so cooperation is often the self-interested choice.",
        "parents": [("both", "supports"), ("gg-naive", "opposes")],
        "lean": _BOTH,
        "lens": (4, 3),
    },
    {
        "key": "uk-horizon",
        "kind": "evidence",
        "title": "The UK rejoined Horizon Europe (2024)",
        "text": "After leaving the EU, the United Kingdom agreed in 2023 to re-associate to the Horizon Europe "
        "research programme from 2024, judging access worth the price.",
        "parents": [("mutual-gain", "supports")],
        "lean": _BOTH,
        "lens": (4, 3),
        "source": _source(
            "UK Government and European Commission: agreement on UK association to Horizon Europe (7 September 2023)",
            "https://www.gov.uk/",
            kind="news",
        ),
    },
    {
        "key": "ukraine-horizon",
        "kind": "evidence",
        "title": "Ukraine joined Horizon Europe in wartime",
        "text": "In 2022, months into Russia's full-scale invasion, Ukraine signed an agreement to take part in "
        "Horizon Europe, tying its researchers into European networks.",
        "parents": [("mutual-gain", "supports")],
        "lean": _BOTH,
        "lens": (3, 3),
        "source": _source(
            "European Commission: association agreement of Ukraine to Horizon Europe and Euratom (2022)",
            "https://research-and-innovation.ec.europa.eu/",
            kind="news",
        ),
    },
    {
        "key": "small-states",
        "kind": "evidence",
        "title": "Small states punch above their weight",
        "text": "The essay notes how New Zealand, Singapore, Israel and Rwanda used research partnerships to win "
        "investment, expertise and diplomatic access well beyond their size.",
        "parents": [("mutual-gain", "supports")],
        "lean": _BOTH,
        "lens": (4, 3),
        "source": _essay(),
    },
    {
        "key": "regional",
        "kind": "claim",
        "title": "Cooperate within like-minded alliances",
        "text": "Countries with shared values can pool research in sensitive fields and agree common security rules, "
        "keeping the benefits of openness inside a trusted circle.",
        "parents": [("both", "supports")],
        "lean": _BOTH,
        "lens": (4, 2),
    },
    {
        "key": "aukus",
        "kind": "evidence",
        "title": "AUKUS Pillar II: allies pooling defence tech",
        "text": "Under the 2021 AUKUS pact, Australia, the UK and the US work on nuclear-powered submarines and, in a "
        "second pillar, on AI, quantum, cyber, undersea and hypersonic technologies.",
        "parents": [("regional", "supports"), ("ni-first", "supports")],
        "lean": _NI,
        "lens": (4, 1),
        "source": _source(
            'Parliamentary Library of Australia, "AUKUS Pillar 2" (FlagPost, August 2024); AUKUS leaders\' '
            "statement of 15 September 2021",
            "https://www.aph.gov.au/About_Parliament/Parliamentary_departments/Parliamentary_Library/Research/"
            "FlagPost/2024/August/AUKUS_Pillar_2",
        ),
    },
    {
        "key": "clubs-exclude",
        "kind": "claim",
        "title": "Tech clubs leave the Global South out",
        "text": "Alliances of wealthy states widen the gap with the countries left outside and push them toward rival "
        "blocs, which weakens any global response.",
        "parents": [("regional", "opposes")],
        "lean": _GG,
        "lens": (1, 3),
    },
    {
        "key": "clubs-can-grow",
        "kind": "claim",
        "title": "Alliances can widen over time",
        "text": "Partnerships can admit new members once trust exists; in 2024 the AUKUS partners began consulting "
        "Japan about joining Pillar II projects.",
        "parents": [("clubs-exclude", "opposes")],
        "lean": _NI,
        "lens": (3, 2),
    },
    {
        "key": "track2",
        "kind": "claim",
        "title": "Scientist-led channels work when officials cannot",
        "text": "Academies, scientific unions and individual researchers can open doors that official diplomacy "
        "cannot, and governments can later build on what they start.",
        "parents": [("both", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
    },
    {
        "key": "antarctic",
        "kind": "evidence",
        "title": "From the Geophysical Year to the Antarctic Treaty",
        "text": "Joint research by scientists from many countries in the International Geophysical Year of 1957-58 "
        "paved the way for the 1959 Antarctic Treaty, which reserves the continent for peaceful use and science.",
        "parents": [("track2", "supports"), ("commons", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
        "source": _source(
            "The Antarctic Treaty (Washington, 1959), Article I; Secretariat of the Antarctic Treaty",
            "https://www.ats.aq/",
            quote="Antarctica shall be used for peaceful purposes only.",
        ),
    },
    {
        "key": "polar-year",
        "kind": "evidence",
        "title": "The planned 2032-33 International Polar Year",
        "text": "Polar science bodies are preparing a fifth International Polar Year for 2032-33 and invite Arctic "
        "Indigenous peoples and other stakeholders to shape the research together.",
        "parents": [("track2", "supports")],
        "lean": _BOTH,
        "lens": (2, 4),
        "source": _source(
            "SCAR and IASC, International Polar Year 2032-33: initial concept note (October 2023)",
            "https://scar.org/science/collaborations/ipy",
        ),
    },
    {
        "key": "cuba",
        "kind": "evidence",
        "title": "US academy contacts with Cuba",
        "text": "According to the essay, the US National Academy of Sciences helped carry the Obama administration's "
        "opening to Cuba forward through contacts between scientists.",
        "parents": [("track2", "supports")],
        "lean": _BOTH,
        "lens": (3, 3),
        "source": _essay(),
    },
    {
        "key": "track2-unaccountable",
        "kind": "claim",
        "title": "Informal channels lack a mandate",
        "text": "Scientists negotiating outside government answer to no voter, may misjudge what their state can "
        "accept and can be used by regimes that do not share their aims.",
        "parents": [("track2", "opposes")],
        "lean": _NI,
        "lens": (3, 1),
    },
    {
        "key": "track2-complements",
        "kind": "claim",
        "title": "Informal and official tracks work together",
        "text": "The most useful informal channels run with their governments' knowledge and hand results back to "
        "them, so they extend official diplomacy rather than bypass it.",
        "parents": [("track2-unaccountable", "opposes")],
        "lean": _BOTH,
        "lens": (3, 3),
    },
    {
        "key": "brokers",
        "kind": "claim",
        "title": "Trusted bodies can broker cooperation",
        "text": "International scientific organisations that belong to no single state can convene rivals, set "
        "research agendas and carry scientific advice into UN processes.",
        "parents": [("both", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
    },
    {
        "key": "isc",
        "kind": "evidence",
        "title": "The International Science Council (2018)",
        "text": "Created in 2018 by merging the international councils for the natural and the social sciences, the "
        "ISC gathers academies and scientific unions from nearly every region of the world.",
        "parents": [("brokers", "supports")],
        "lean": _BOTH,
        "lens": (2, 4),
        "source": _source("International Science Council", "https://council.science/"),
    },
    {
        "key": "brokers-slow",
        "kind": "claim",
        "title": "Consensus bodies are too slow",
        "text": "Bodies that must satisfy every member take years to act, while AI and biotechnology change in "
        "months. Security decisions cannot wait for them.",
        "parents": [("brokers", "opposes")],
        "lean": _NI,
        "lens": (3, 1),
    },
    {
        "key": "standards",
        "kind": "claim",
        "title": "Shared standards are common ground",
        "text": "Common rules for how data is recorded, stored and exchanged, and for how AI is tested, help every "
        "country's researchers and firms, so even rivals have reason to agree on them.",
        "parents": [("both", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
    },
    {
        "key": "codata",
        "kind": "evidence",
        "title": "CODATA: shared rules for research data",
        "text": "CODATA, founded by the international science council in 1966, works across disciplines and "
        "countries on policies and standards that make research data findable and reusable.",
        "parents": [("standards", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
        "source": _source("CODATA, the Committee on Data of the International Science Council", "https://codata.org/"),
    },
    {
        "key": "wds",
        "kind": "evidence",
        "title": "The World Data System grew out of the IGY",
        "text": "The World Data System, created in 2008, certifies trustworthy data repositories worldwide; it "
        "replaced the data centres first set up to hold the records of the International Geophysical Year.",
        "parents": [("standards", "supports")],
        "lean": _BOTH,
        "lens": (3, 4),
        "source": _source("International Science Council, World Data System (WDS)", "https://www.worlddatasystem.org/"),
    },
    {
        "key": "gdpr",
        "kind": "evidence",
        "title": "GDPR set rules far beyond Europe",
        "text": "The EU's 2016 data protection regulation also binds organisations outside the EU that serve or track "
        "people in the EU, and it has shaped privacy laws in many other countries.",
        "parents": [("standards", "supports"), ("regional", "supports")],
        "lean": _BOTH,
        "lens": (3, 3),
        "source": _source(
            "Regulation (EU) 2016/679 (General Data Protection Regulation), Article 3 on territorial scope",
            "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
        ),
    },
    {
        "key": "ai-standards",
        "kind": "claim",
        "title": "AI standards can narrow the digital divide",
        "text": "Jointly agreed standards for AI could protect privacy and copyright and keep the Global South from "
        "falling further behind in digital technology.",
        "parents": [("standards", "supports")],
        "lean": _GG,
        "lens": (2, 4),
    },
    {
        "key": "pact-future",
        "kind": "evidence",
        "title": "The Pact for the Future and Digital Compact (2024)",
        "text": "In September 2024 UN members adopted the Pact for the Future, with a chapter on science, technology "
        "and innovation; its Global Digital Compact set up a scientific panel and a global dialogue on AI.",
        "parents": [("ai-standards", "supports"), ("brokers", "supports")],
        "lean": _GG,
        "lens": (2, 3),
        "source": _source(
            "United Nations, Pact for the Future, Global Digital Compact and Declaration on Future Generations "
            "(Summit of the Future, September 2024)",
            "https://www.un.org/en/summit-of-the-future",
        ),
    },
    {
        "key": "standards-captured",
        "kind": "claim",
        "title": "Standards get steered by the powerful",
        "text": "Big states and companies push standards that lock in their own technology. Calling standards bodies "
        "neutral ground understates how political they are.",
        "parents": [("standards", "opposes")],
        "lean": _NEUTRAL,
        "lens": (2, 1),
    },
    {
        "key": "advisers",
        "kind": "claim",
        "title": "Put science advisers in foreign ministries",
        "text": "Diplomats with scientists at their side can spot where national interests and global goals overlap, "
        "and negotiate technical questions with confidence.",
        "parents": [("both", "supports")],
        "lean": _BOTH,
        "lens": (3, 3),
    },
    {
        "key": "us-adviser",
        "kind": "evidence",
        "title": "A science adviser for the US Secretary of State",
        "text": "Following a 1999 National Research Council review, the US State Department created the post of "
        "Science and Technology Adviser to the Secretary in 2000.",
        "parents": [("advisers", "supports")],
        "lean": _BOTH,
        "lens": (3, 2),
        "source": _source(
            'National Research Council, "The Pervasive Role of Science, Technology, and Health in Foreign Policy: '
            'Imperatives for the Department of State" (1999)',
            "https://nap.nationalacademies.org/",
        ),
    },
    {
        "key": "case-by-case",
        "kind": "claim",
        "title": "Decide openness field by field",
        "text": "Instead of one rule for all research, countries can keep most science open and restrict only clearly "
        "sensitive areas, with the list reviewed openly and revised often.",
        "parents": [("both", "supports")],
        "lean": _BOTH,
        "lens": (3, 3),
    },
    {
        "key": "open-closed",
        "kind": "evidence",
        "title": "Open by default, closed where needed (EU)",
        "text": "Horizon Europe, the EU's research programme, makes openness the default for publications and data "
        "but allows exceptions for security, commercial or privacy reasons.",
        "parents": [("case-by-case", "supports"), ("dual-use", "supports")],
        "lean": _BOTH,
        "lens": (3, 3),
        "source": _source(
            "European Commission, open science in Horizon Europe",
            "https://research-and-innovation.ec.europa.eu/strategy/strategy-2020-2024/our-digital-future/"
            "open-science_en",
            quote="as open as possible, as closed as necessary",
        ),
    },
    {
        "key": "climate-open",
        "kind": "claim",
        "title": "Climate and health research should stay open",
        "text": "Whatever else is restricted, research on climate, biodiversity and disease should be exempt from "
        "security limits, because everyone loses when it slows down.",
        "parents": [("case-by-case", "supports")],
        "lean": _GG,
        "lens": (1, 4),
    },
    {
        "key": "climate-industry",
        "kind": "claim",
        "title": "Clean tech is also an industrial race",
        "text": "Batteries, solar panels, hydrogen and grid technology are where future jobs and strategic "
        "dependence will be decided, so climate research cannot all be given away.",
        "parents": [("climate-open", "opposes")],
        "lean": _NI,
        "lens": (4, 1),
    },
    {
        "key": "ira",
        "kind": "evidence",
        "title": "US clean-energy credits favour home production",
        "text": "The US Inflation Reduction Act of 2022 offered large clean-energy tax credits, many with bonuses or "
        "conditions tied to domestic manufacturing and sourcing.",
        "parents": [("climate-industry", "supports")],
        "lean": _NI,
        "lens": (4, 2),
        "source": _source(
            "Inflation Reduction Act of 2022, Public Law 117-169 (H.R. 5376, 117th Congress)",
            "https://www.congress.gov/bill/117th-congress/house-bill/5376",
        ),
    },
    {
        "key": "both-wishful",
        "kind": "claim",
        "title": '"Both" hides hard trade-offs',
        "text": "Saying science diplomacy can serve every goal at once avoids the real choices that arise when "
        "security and openness collide.",
        "parents": [("both", "opposes")],
        "lean": _NEUTRAL,
        "lens": (2, 2),
    },
    {
        "key": "security-over-climate",
        "kind": "evidence",
        "title": "Security rules are trumping climate goals",
        "text": "The authors warn that even allies now let research security rules override common goals such as "
        "emission cuts.",
        "parents": [("both-wishful", "supports"), ("climate-open", "supports")],
        "lean": _GG,
        "lens": (2, 3),
        "source": _essay(),
    },
    {
        "key": "mechanisms",
        "kind": "claim",
        "title": "Joint review panels can manage trade-offs",
        "text": "Standing panels of government, industry and universities could weigh each sensitive partnership on "
        "its merits, making the trade-off explicit instead of ignoring it.",
        "parents": [("both-wishful", "opposes")],
        "lean": _BOTH,
        "lens": (3, 3),
    },
]

PARTICIPANTS = [
    ("Amara", "global"),
    ("Bogdan", "national"),
    ("Chen", "global"),
    ("Dagny", "national"),
    ("Esperanza", "bridge"),
    ("Farid", "national"),
    ("Grace", "global"),
    ("Hiroshi", "bridge"),
    ("Ines", "global"),
    ("Jomo", "national"),
    ("Kalani", "bridge"),
]
