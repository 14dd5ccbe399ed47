"""The scenario format, version 1, as typed immutable models.

Each class below is one section of a scenario file; its docstring and field docstrings
become the descriptions in `scenarios/schema.json`. The trainers' reference is
`scenarios/README.md`. Cross-references (a victim's room, an order's door) and the
floor plan are checked in `checks.py`, which has the whole document in view.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .fields import Id, Language, Model, Probability, Seconds, Text, TriggerFields
from .joint import Channel, PlannedMessage, Report, Seat
from .orders import AnyOrder

Cell = tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]
Place = Union[Id, Cell]
"""Where someone or something starts: a room id (a free cell in it is chosen), or [column, row] of the map, 0-based."""


# --- briefing --------------------------------------------------------------------------

class Intelligence(Model):
    """One piece of intelligence, with how sure it is and how it arrived. Descriptive: what the trainee is told; it does not change the simulation."""
    text: Text
    confidence: Literal["confirmed", "probable", "possible", "doubtful"] = "probable"
    channel: Literal["direct_liaison", "formal_request", "informant", "surveillance",
                     "victim_message", "hotline", "ngo", "open_source"] = "direct_liaison"
    """How it reached the team: direct police-to-police liaison is fast; a formal request is slow."""
    source: Optional[str] = None
    """Who passed it on, e.g. 'Thai police anti-trafficking division liaison officer'."""
    age_hours: Annotated[float, Field(ge=0, le=24 * 365)] = 0
    """How old the information is at the start of the exercise, in hours."""


class Briefing(Model):
    """What the trainee is told before planning."""
    situation: Text
    intelligence: tuple[Intelligence, ...] = ()
    objectives: tuple[Text, ...] = Field(min_length=1)


# --- floor plan ------------------------------------------------------------------------

class Room(Model):
    """A named area of the plan: a room, corridor, landing, stairwell or lift."""
    id: Id
    name: Text
    kind: Literal["room", "bedroom", "living", "kitchen", "bathroom", "office", "corridor",
                  "landing", "stairwell", "lift", "yard", "roof", "street", "staging"] = "room"
    """Stairwells slow walkers down; a lift holds people but is slow to call."""


class Door(Model):
    """A door, doorway or gate. Passes one person at a time."""
    id: Id
    name: Optional[str] = None
    kind: Literal["doorway", "wooden", "reinforced", "iron_gate", "fire_door"] = "wooden"
    """doorway = an opening with no door; iron_gate = the barred gate outside many flat doors."""
    locked: bool = False
    """A locked door must be breached (or opened with a key) to pass."""
    open: bool = False
    """Open at the start (an open door lets people see and hear through it)."""


class Window(Model):
    """A window in an outer or inner wall."""
    id: Id
    name: Optional[str] = None
    grille: bool = False
    """Fixed security bars: nobody gets through."""
    escape: Literal["none", "ground", "ledge", "fire_escape", "roof", "neighbour"] = "none"
    """Where someone climbing out ends up; 'none' (too high, nothing outside) means it is no escape route."""
    storey: Optional[int] = None
    """Storey of the window if different from the plan's. Descriptive: shown on the preview; it does not change the simulation."""


class Exit(Model):
    """Where people can leave the plan (and where arriving units come in)."""
    id: Id
    name: Text
    kind: Literal["street", "stairs_down", "stairs_up", "roof", "fire_escape", "back_door",
                  "lift", "yard"] = "stairs_down"
    """Descriptive: shown on the preview and in the timeline; it does not change the simulation."""


class Background(Model):
    """A scanned or photographed floor plan the map was traced over (the editor shows it
    under the cells). Descriptive: it does not change the simulation."""
    image: Text
    """The PNG or JPEG file, relative to the scenario file's folder (or absolute)."""
    metres_per_pixel: Annotated[float, Field(gt=0, le=10)]
    """The image's scale: metres per image pixel (the editor sets it from two points and a distance)."""


class FloorPlan(Model):
    """The floor plan: an ASCII map, its legend and the things the legend names."""
    cell_size: Annotated[float, Field(gt=0, le=5)] = 0.5
    """Metres per map character (both directions)."""
    storey: Annotated[int, Field(ge=-5, le=200)] = 0
    """Which storey of the building the plan shows (0 = ground floor)."""
    map: Annotated[str, Field(min_length=1)]
    """The map, one text line per row of cells; use a YAML block (`map: |`)."""
    legend: dict[Annotated[str, Field(min_length=1, max_length=1)], Id]
    """Map character -> 'wall', 'outside', or the id of a room, door, window or exit."""
    rooms: tuple[Room, ...] = Field(min_length=1)
    doors: tuple[Door, ...] = ()
    windows: tuple[Window, ...] = ()
    exits: tuple[Exit, ...] = Field(min_length=1)
    background: Optional[Background] = None
    """Optional: the floor-plan image the map was traced over, with its scale (see Background)."""


# --- people and things -----------------------------------------------------------------

VictimCondition = Literal["injured", "restrained", "sedated", "ill", "pregnant", "minor",
                          "traumatised"]


class VictimReactions(Model):
    """Behaviour: what she does when frightened (officers burst in, a loud noise close by)
    while her fear is 0.6 or more, as probabilities that add up to 1."""
    freeze: Probability = 0
    """Stays where she is (she may panic: not safe to move until calmed)."""
    hide: Probability = 0
    """Hides in her room: units do not see her; a search finds her (certainly with the search skill)."""
    flee: Probability = 0
    """Runs for the first route in her flee_via: past a cordon she is stopped and safe; out of a
    window she is on the ledge (she may fall) until a unit comes for her; by an open exit she is gone."""


class Victim(Model):
    """A person held in the flat; the reason for the operation."""
    id: Id
    name: Text
    """Descriptive: shown to the trainee and in reports; it does not change the simulation."""
    at: Place
    languages: tuple[Language, ...] = Field(min_length=1)
    """Languages she speaks, first the one she is most at ease in (e.g. [th] or [zh, en])."""
    nationality: Text
    """Descriptive: shown to the trainee and in reports; it does not change the simulation."""
    condition: tuple[VictimCondition, ...] = ()
    """Behaviour: injured and sedated walk at 0.55x, pregnant and ill at 0.8x; injured, sedated, pregnant and ill need
    care beyond first aid (a medical kit); sedated, minor and traumatised make an interview harder; restrained cannot
    hide or flee."""
    fear: Probability = 0.6
    """0 calm .. 1 terrified. High fear: hides, flees or panics when police enter."""
    trust_in_police: Probability = 0.3
    """0 none .. 1 full. Low trust: refuses to speak or gives a false identity unless trust is built."""
    fear_reaction: VictimReactions = VictimReactions(freeze=1)
    flee_via: tuple[Id, ...] = ()
    """Behaviour: windows or exits she would run for, in order of preference (needed if fear_reaction.flee > 0)."""
    coached_identity: Probability = 0
    """Behaviour: the chance that, when an interview does not win her trust, she gives the false identity she was
    coached to give (fear of arrest or deportation) rather than staying silent."""


class Reactions(Model):
    """What a perpetrator does when alerted, as probabilities that add up to 1."""
    flee: Probability = 0
    barricade: Probability = 0
    destroy_evidence: Probability = 0
    take_hostage: Probability = 0
    move_victim: Probability = 0
    surrender: Probability = 0
    resist: Probability = 0


class Escalation(Model):
    """Behaviour: how a reaction turns worse."""
    resist_to_hostage: Probability = 0
    """When police reach him while he resists and a victim is within reach (2.5 m): the chance he seizes her as a
    human shield."""
    blocked_to_barricade: Probability = 0
    """When his flight is blocked (a cordon on his route, or no route he can reach): the chance he barricades
    himself in instead of giving up."""


class Perpetrator(Model):
    """Someone holding the victims or running the operation."""
    id: Id
    name: Text
    """Descriptive: shown to the trainee and in reports; it does not change the simulation."""
    role: Literal["guard", "manager", "lookout", "recruiter", "driver", "enforcer"]
    at: Place
    armed: Literal["none", "blunt", "knife", "firearm"] = "none"
    languages: tuple[Language, ...] = ()
    alert_reaction: Reactions = Reactions(surrender=1)
    flee_via: tuple[Id, ...] = ()
    """Windows, exits or doors this perpetrator would try to escape by, in order of preference."""
    vigilance: Probability = 0.5
    """How readily noise alerts them: a lookout is high, a sleeping guard low."""
    act_seconds: Annotated[float, Field(gt=0, le=600)] = 4
    """Behaviour: median seconds he needs, once alerted, before he acts. Police who reach him sooner catch him
    before he can (the more complete the surprise, the less time he has)."""
    escalation: Escalation = Escalation()


class Evidence(Model):
    """An item to secure before it is destroyed."""
    id: Id
    name: Text
    kind: Literal["ledger", "phone", "computer", "passports", "documents", "cash", "sim_cards",
                  "cctv_recorder"]
    """Descriptive: shown to the trainee and in reports; it does not change the simulation."""
    at: Place
    destroy_seconds: Annotated[float, Field(gt=0, le=3600)] = 60
    """How long a perpetrator needs to destroy it (wipe a phone, burn a ledger), in seconds."""


class Agency(Model):
    """A participating agency."""
    id: Id
    name: Text
    country: Text
    """Descriptive: shown to the trainee and in reports; it does not change the simulation."""
    coordination_delay: Seconds = 0
    """Seconds for an order from incident command to reach this agency's units (0 for the lead agency)."""


class Unit(Model):
    """A team or officer the trainee commands."""
    id: Id
    name: Text
    agency: Id
    kind: Literal["entry_team", "perimeter", "negotiator", "detectives", "liaison_officer",
                  "interpreter", "consular_officer", "medic", "victim_care", "command"]
    size: Annotated[int, Field(ge=1, le=40)] = 1
    languages: tuple[Language, ...] = ()
    skills: tuple[Literal["breach", "arrest", "search", "first_aid", "negotiation", "interview",
                          "interpreting", "evidence", "trauma_care", "surveillance",
                          "victim_support"], ...] = ()
    """Behaviour: arrest (fewer struggles), search (finds a hiding victim), first_aid/trauma_care (medical check),
    negotiation, interview (better identification), interpreting (others interview in the languages this unit speaks),
    evidence (faster seizure), victim_support (calms and builds trust). breach and surveillance are descriptive."""
    equipment: tuple[Literal["manual_ram", "halligan", "hydraulic_spreader", "angle_grinder",
                             "shields", "key", "door_camera", "ladder", "medical_kit",
                             "evidence_bags"], ...] = ()
    """Behaviour: the breaching tools and key (entry methods), shields (cut the chance a struggle hurts an officer:
    `causes.officer_injury.shields`), medical_kit (care beyond first aid). door_camera, ladder and evidence_bags are descriptive."""
    female_officer: bool = False
    """Behaviour: the unit includes a female officer; a woman she speaks to trusts her more readily."""
    at: Id
    """Where the unit starts or arrives: a room or exit id."""
    arrives: Seconds = 0
    """Seconds after the start that the unit reaches `at` (or after it is requested)."""
    on_request: bool = False
    """The unit comes only when requested with a `request_unit` order."""


# --- injects, decisions, scoring, plans -----------------------------------------------

class Effect(Model):
    """Something an inject changes in the world."""
    alert: Optional[Id] = None
    """Alert this perpetrator ('all' for everyone)."""
    delay_unit: Optional[Id] = None
    seconds: Optional[Seconds] = None
    """With delay_unit: how much later the unit arrives."""
    lock_door: Optional[Id] = None
    reveal: Optional[Id] = None
    """Reveal where this person or item is to the trainee."""


class Inject(TriggerFields):
    """A message or event the trainer injects into the exercise."""
    id: Id
    message: Text
    source: Optional[str] = None
    """Who the message comes from (e.g. 'Thai liaison officer by phone')."""
    effects: tuple[Effect, ...] = ()
    to: Optional[Id] = None
    """In a joint exercise: the seat the message reaches (the lead seat by default); a reveal shows the place to that seat only."""
    channel: Optional[Id] = None
    """In a joint exercise: the channel it comes by; it reaches the seat after the channel's delay (a plan can choose another in `routes`)."""


class Option(Model):
    id: Id
    label: Text
    orders: tuple[AnyOrder, ...] = ()


class Decision(TriggerFields):
    """A decision point: the trainee must choose within the time allowed."""
    id: Id
    prompt: Text
    options: tuple[Option, ...] = Field(min_length=2)
    default: Id
    """The option applied when the time allowed runs out."""
    time_allowed: Annotated[float, Field(gt=0, le=3600)] = 60
    clock: Literal["running", "paused"] = "running"
    """Whether simulated time runs while the decision is open."""
    owner: Optional[Id] = None
    """In a joint exercise: the seat that takes this decision (the lead seat by default)."""


class MetricWeight(Model):
    weight: Annotated[float, Field(gt=0, le=1)]
    target: Optional[Seconds] = None
    """For timed metrics: the time, in seconds, at or under which the metric scores 1."""


class Capability(Model):
    """A capability rated P/S/M/U, from the weighted metrics it groups."""
    id: Id
    name: Text
    metrics: dict[str, MetricWeight] = Field(min_length=1)


class Ratings(Model):
    """Lowest capability score (0..1) for each rating; below M is U."""
    P: Probability = 0.85
    S: Probability = 0.65
    M: Probability = 0.40


class Scoring(Model):
    capabilities: tuple[Capability, ...] = ()
    """Only for a scenario without an evaluation guide: the capabilities and their metrics.
    With a guide, its capabilities carry the metrics (one set of capabilities everywhere)."""
    ratings: Ratings = Ratings()


# --- evaluation guide -------------------------------------------------------------------

class Expectation(Model):
    """The expected action of a critical task, in the trigger vocabulary (never Python).

    `on: spoken_in_language` with `each: victim`, `after: victim_found` and `within: 600`
    reads: for each victim, a unit speaks with her in her language within 600 s of her
    being found. `never: hostage_taken` reads: no victim is taken hostage."""
    on: Optional[str] = None
    """The event that must happen, `EVENT [ID]` as in an `on:` trigger, e.g. `victim_safe` or `evidence_secured passports`."""
    never: Optional[str] = None
    """Instead of `on`: the event that must not happen, e.g. `perpetrator_fled`."""
    each: Optional[Literal["victim", "perpetrator", "evidence"]] = None
    """Once for each victim, perpetrator or evidence item (the event's subject)."""
    after: Optional[str] = None
    """Count the time from this event (`EVENT [ID]`; with `each`, the same subject's event); default: the start."""
    within: Optional[Seconds] = None
    """Seconds allowed (from the start or from `after`); later is 'partly met'. None: any time before the end."""


class CriticalTask(Model):
    """A critical task: what evaluators look for, how the draft rating is decided, and its weight."""
    id: Id
    task: Text
    """The task in the evaluator's words, e.g. 'A Thai speaker is with each victim within 10 minutes of her being found'."""
    expect: Expectation
    weight: Annotated[float, Field(gt=0, le=10)] = 1.0
    """Its weight among the tasks of its target."""
    decision: Optional[Id] = None
    """The decision point this task hangs on, if any."""
    inject: Optional[Id] = None
    """The inject this task answers, if any."""
    agency: Optional[Id] = None
    """The agency responsible (used for the improvement plan)."""
    reference: Optional[Text] = None
    """The plan, SOP or doctrine the task is judged against, e.g. 'Doctrine plan: cover the ledge window before entry'."""


class CapabilityTarget(Model):
    """A measurable target of a capability, rated P/S/M/U from its critical tasks."""
    id: Id
    target: Text
    tasks: tuple[CriticalTask, ...] = Field(min_length=1)


class GuideCapability(Model):
    """A capability of the exercise programme: the metrics that score it (with their weights
    in the overall score) and the targets and critical tasks evaluators observe."""
    id: Id
    name: Text
    metrics: dict[str, MetricWeight] = {}
    """The metrics that score this capability, each with its weight in the overall score (all weights add up to 1)."""
    targets: tuple[CapabilityTarget, ...] = Field(min_length=1)


class EvaluationGuide(Model):
    """The exercise evaluation guide: capabilities, then capability targets, then critical tasks."""
    capabilities: tuple[GuideCapability, ...] = Field(min_length=1)


class ExerciseInfo(Model):
    """The exercise as the after-action report's overview names it (HSEEP); every field optional."""
    type: Optional[Text] = None
    """E.g. 'Game (computer simulation)', 'Tabletop exercise', 'Functional exercise'."""
    mission_area: Optional[Text] = None
    """E.g. 'Response' (Prevention, Protection, Mitigation, Response, Recovery)."""
    core_capabilities: tuple[Text, ...] = ()
    """The programme's core capabilities the exercise tests, e.g. 'Operational Coordination'."""
    sponsor: Optional[Text] = None
    point_of_contact: Optional[Text] = None
    """Name, role and how to reach them."""
    venue: Optional[Text] = None


class Plan(Model):
    """A plan: orders (each unit works through its own in turn) and choices at decision points."""
    name: Text = "plan"
    description: Optional[str] = None
    orders: tuple[AnyOrder, ...] = ()
    decisions: dict[Id, Id] = {}
    """Decision id -> option id chosen in advance."""
    messages: tuple[PlannedMessage, ...] = ()
    """Joint exercise: messages seats send by themselves (played for a seat nobody takes)."""
    reports: tuple[Report, ...] = ()
    """Joint exercise: standing orders to pass on every new sighting (played for a seat nobody takes)."""
    routes: dict[Id, Id] = {}
    """Joint exercise: inject id -> the channel its intelligence is asked to come by (instead of the inject's own)."""


# --- causes and pressures ---------------------------------------------------------------

Factor = Annotated[float, Field(ge=0, le=10)]
"""A multiplier: 1 leaves a chance as it is, 2 doubles it, 0.5 halves it."""


class ByApproach(Model):
    """One value for each approach of a `clear` order."""
    calm: Factor = 0
    dynamic: Factor = 0
    hard: Factor = 0


class ByWeapon(Model):
    """One value for each weapon a perpetrator may carry."""
    none: Probability = 0
    blunt: Probability = 0
    knife: Probability = 0
    firearm: Probability = 0


class HostageCauses(Model):
    """A hostage is taken when a perpetrator has more warning than the time police need to reach him: he acts after
    his `act_seconds`, and must walk to a woman before officers reach him."""
    reach_m: Annotated[float, Field(ge=0, le=100)] = 8.0
    """How far (metres of walking) he will go for a woman who is not yet with the police."""
    shield_reach_m: Annotated[float, Field(ge=0, le=20)] = 2.5
    """How close a woman must be for a man who resists to seize her as a human shield as police come in."""
    close_warning: Factor = 0.5
    """With police within 5 m when he acts, flight, destroying evidence and seizing a woman count this much."""
    distant_warning: Factor = 1.5
    """Warned from a distance (noise through walls, a lookout, a pressure), they count this much."""


class VictimHarmCauses(Model):
    """How a woman comes to be hurt during the operation: force, panic, and who comes in first."""
    entry_fear: ByApproach = ByApproach(calm=0.03, dynamic=0.1, hard=0.15)
    """Fear added when officers come into her room, by their approach (a hard entry's handcuffs add 0.15 more)."""
    panic_hurt: ByApproach = ByApproach(calm=0.0, dynamic=0.03, hard=0.3)
    """The chance a panicking woman hurts herself as officers come in, by their approach."""
    struggle_hurt: Probability = 0.15
    """The chance a panicking woman within 3 m of a struggle is hurt."""
    told_in_language: Probability = 0.25
    """How much her fear falls when the officers coming in tell her in her own language who they are (a unit that
    speaks it comes in, or is already with her), before she can panic."""


class OffenderCauses(Model):
    """How a victim comes to be treated as an offender. When an interview does not identify her, each cause
    present is a separate chance (scaled by her distrust, 1 - trust) that she is taken for one."""
    no_language: Probability = 0.6
    """Interviewed with no shared language (and no interpreter in the room): she cannot explain."""
    coached: Probability = 0.3
    """She tells the story she was coached to tell, with no shared language to see through it."""
    coached_believed: Probability = 0.5
    """In a shared language: her coached false identity is believed."""
    handcuffed: Probability = 0.3
    """She was handcuffed as a suspect in a hard entry. A woman in handcuffs who is never screened in an
    interview is treated as an offender with this chance at the end of the operation."""
    unscreened: Probability = 0.3
    """A woman found, never screened in an interview and never handed over for care, is processed with the others
    at the end (an illegal worker, a sex worker) with this chance, scaled by her distrust."""
    shouted: Probability = 0.03
    """Each time she was shouted at ('Police! Get down!')."""
    first_words: Probability = 0.15
    """The first officer to speak with her did not speak her language."""


class IdentificationCauses(Model):
    """Indicators of trafficking that let an interview without a shared language identify her (less surely than one
    in her language): each present is a separate chance, times what an interview in her language would give."""
    passports: Probability = 0.3
    """Withheld passports (an evidence item of kind passports) have been secured."""
    ledger: Probability = 0.2
    """A debt ledger (an evidence item of kind ledger) has been secured."""
    locked_room: Probability = 0.2
    """She was kept in a room behind a locked door, or restrained."""
    story: Probability = 0.3
    """Her coached story falls apart in front of an interviewer with the interview skill."""


class OfficerInjuryCauses(Model):
    """How an officer comes to be hurt: in a struggle, by the perpetrator's weapon; shields, numbers and the method
    of entry change it."""
    weapon: ByWeapon = ByWeapon(none=0.04, blunt=0.15, knife=0.25, firearm=0.35)
    """The chance a struggle hurts an officer who has no shield, by the perpetrator's weapon."""
    shields: Factor = 0.3
    """With shields, that chance is multiplied by this (a shield takes the blow or the blade that would have hit the
    first officer)."""
    numbers: Factor = 0.15
    """Each officer in the room beyond the first raises the odds that he gives up rather than fights by this share."""
    approach: ByApproach = ByApproach(calm=1.5, dynamic=1.0, hard=0.7)
    """The odds that he fights rather than gives up, by how the officers came in."""


class EvidenceCauses(Model):
    """How evidence is lost: a perpetrator who chose to destroy it goes item by item from the moment he acts."""
    at_hand: Probability = 0.5
    """The chance an alerted perpetrator who waits for the police (barricaded, or resisting) destroys the items in
    his own room meanwhile."""


class EntryCauses(Model):
    """How a quiet entry works out."""
    ruse_works: Probability = 0.5
    """The chance that a ruse (a delivery, a client at the door) gets the door opened while nobody inside is alerted."""


class EscapeCauses(Model):
    """How a perpetrator gets away: by a route in his flee_via that no unit covers."""
    stopped_in_passing: Probability = 0.8
    """The chance that a unit he runs past (within 1.5 m, in sight) stops him."""


class Causes(Model):
    """Behaviour: how strongly each cause of a bad outcome acts in this scenario. Every field has a default; set only
    the ones this scenario changes."""
    hostage: HostageCauses = HostageCauses()
    victim_harm: VictimHarmCauses = VictimHarmCauses()
    offender: OffenderCauses = OffenderCauses()
    identification: IdentificationCauses = IdentificationCauses()
    officer_injury: OfficerInjuryCauses = OfficerInjuryCauses()
    evidence: EvidenceCauses = EvidenceCauses()
    escape: EscapeCauses = EscapeCauses()
    entry: EntryCauses = EntryCauses()


class Pressure(Model):
    """Behaviour: what waiting costs. Something that happens on the timeline whatever the police do."""
    id: Id
    kind: Literal["watch", "rounds", "client", "phone_call", "move_victims"]
    """watch: someone inside keeps an eye on `watches` (a door camera, a peephole): each minute an officer waits there
    he is noticed with `chance`, so the longer and the more officers wait, the likelier; rounds: a lookout looks at
    `watches` at `at` and then `every` seconds and sees any police there with `chance`; client: a client comes up at
    `at` (and `every` seconds after) through `watches` and, seeing police there with `chance`, phones the flat;
    phone_call: at `at` a call alerts `alerts`; move_victims: at `at`, `by` takes `victims` away to another place
    unless police are with them or in `watches` (the way out), where they are seen instead."""
    at: Seconds = 0
    """When it happens first (watch: from when the watching starts), in seconds into the exercise."""
    every: Optional[Annotated[float, Field(gt=0, le=86_400)]] = None
    """rounds and client: it happens again every this many seconds."""
    watches: tuple[Id, ...] = ()
    """watch, rounds, client: the rooms where police are seen; move_victims: the rooms on the way out."""
    chance: Probability = 1.0
    """watch: the chance per officer and minute of being noticed; rounds and client: the chance that police there are
    seen."""
    alerts: Id = "all"
    """The perpetrator who is warned (or 'all')."""
    victims: tuple[Id, ...] = ()
    """move_victims: the women taken away (those not yet safe or with the police)."""
    by: Optional[Id] = None
    """move_victims: the perpetrator who takes them (he must be free and unaware; he leaves with them)."""
    message: Optional[str] = None
    """Descriptive: what it is, in the timeline."""


ChallengeLevel = Literal["easy", "standard", "hard", "severe"]
CHALLENGE_SCALE = {"easy": 0.5, "standard": 1.0, "hard": 2.0, "severe": 4.0}
"""How the challenge level multiplies the odds of every dangerous behaviour (against the calm one)."""


class Challenge(Model):
    """Behaviour: the trainer's difficulty setting. The briefing names the level, never the probabilities."""
    level: ChallengeLevel = "standard"
    """Multiplies the odds of the dangerous reactions (everything but surrender and freeze) against the calm one,
    and the odds of the escalations and coached identity: easy 0.5x, standard 1x, hard 2x, severe 4x. Each
    level is strictly harder than the one below."""
    overrides: dict[str, Probability] = {}
    """Behaviour probabilities set for this session, as 'ID.FIELD: value', e.g. 'guard.take_hostage: 0.3';
    ID is a perpetrator or victim id, or 'perpetrators'/'victims' for all of them. Applied before the level."""
    steady: dict[str, Text] = {}
    """Descriptive: outcome metrics that do not vary under any plan, each with the reason (read by `calibrate`)."""

    def briefing_line(self) -> str:
        """What the briefing tells the trainee: the setting, never the probabilities."""
        words = {"easy": "the people inside are calmer than usual",
                 "standard": "the people inside behave as the intelligence suggests",
                 "hard": "the people inside are more likely than usual to react dangerously",
                 "severe": "the people inside are much more likely than usual to react dangerously"}
        extra = " (adjusted by the trainer)" if self.overrides else ""
        return f"Challenge: {self.level}{extra}: {words[self.level]}."


class Scenario(Model):
    """A rescue exercise scenario, format version 1."""
    format: Literal[1]
    """The version of this format: 1."""
    id: Id
    title: Text
    version: str = "1.0"
    summary: Text
    estimated_minutes: Annotated[int, Field(ge=1, le=600)]
    difficulty: Literal["introductory", "intermediate", "advanced", "expert"]
    """Descriptive: how demanding the scenario is, shown in the menu (the behaviour setting is `challenge`)."""
    challenge: Challenge = Challenge()
    briefing: Briefing
    floor_plan: FloorPlan
    agencies: tuple[Agency, ...] = Field(min_length=1)
    lead_agency: Id
    seats: tuple[Seat, ...] = ()
    """Joint exercise: who can be played; the seat of the lead agency leads. Without seats, only solo play."""
    channels: tuple[Channel, ...] = ()
    """Joint exercise: how information passes between the seats' agencies."""
    victims: tuple[Victim, ...] = ()
    perpetrators: tuple[Perpetrator, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    units: tuple[Unit, ...] = Field(min_length=1)
    injects: tuple[Inject, ...] = ()
    decisions: tuple[Decision, ...] = ()
    causes: Causes = Causes()
    """Behaviour: how strongly each cause of a bad outcome acts (defaults for every field)."""
    pressures: tuple[Pressure, ...] = ()
    """Behaviour: what waiting costs: watchers, a lookout's rounds, clients, a phone call, women moved away."""
    exercise: Optional[ExerciseInfo] = None
    """What the after-action report names in its overview (HSEEP): mission area, core capabilities, type, sponsor, contact."""
    scoring: Scoring
    evaluation_guide: Optional[EvaluationGuide] = None
    """The evaluators' guide and the scoring: capabilities (with their metrics), capability targets and critical tasks."""

    @property
    def scored_capabilities(self) -> tuple:
        """The capabilities every view shows, each with its id, name and metrics: the guide's
        when it carries the metrics, else the older `scoring.capabilities`."""
        guide = self.evaluation_guide
        if guide is not None and any(c.metrics for c in guide.capabilities):
            return tuple(c for c in guide.capabilities if c.metrics)
        return self.scoring.capabilities
    doctrine_plan: Plan
