"""Phrase banks for the checklist items, in the pattern language of `trainer.checklist.match`.

Pattern syntax: words separated by spaces; `a|b` alternatives for one slot; `a_b` several
words as one alternative; a trailing `?` makes a slot optional; `=word` matches that exact word
only (so "interested" does not match "interesting"); `..` skips up to 3 words, `...` up to 5.
Words otherwise match fuzzily (stems, synonyms, recognizer slips).

These describe how people ask and say things, not any one transcript.
"""

from __future__ import annotations

# Openers that make what follows a question, even without a question mark (recognizer output).
QUESTION_OPENERS = [
    # A wh-word alone is often a relative ("someone who can", "what I did"): ask for the verb too.
    "what|when|how|where|why is|are|was|were|do|does|did|will|would|should|can|could|might|may|has|"
    "have|happens|happen|comes|next|kind|sort|type|about|soon|long|much|many|else",
    "=whats|=whens|=hows|=wheres|=whos",
    "is|are|was|were|isnt|arent there|it|that|this|anything|any|my",
    "do|does|did|dont|doesnt you|i|we|it|that|anything",
    "can|could|would|will|may|might|should|shall|wouldnt you|i|we|it|that|there",
    "have|has you|we|anything",
    "=any concerns|questions|reservations|doubts|gaps|thoughts|hesitations|worries",
    "i|im .. =wondering|=curious",
    "id_like|id_love|i_want|i_would_like .. to know|ask|hear",
    "tell me|us",
]

FIRST_PERSON = frozenset("i im ive id ill me my myself".split())
# What a candidate refers to when they ask about themselves.
SELF_REFERENCES = FIRST_PERSON | frozenset(
    "background experience qualifications qualification profile resume ability abilities fit "
    "candidacy skills skillset application".split()
)

THANKS = [
    "=thank|=thanks|=thankyou",
    "=appreciate|=appreciated you|your|the|it|this|that|meeting|taking",
    "=grateful",
]

NEXT_STEP = [
    "next step|steps|stage|stages|round|rounds",
    "what|whats .. happens|happen next|now|after|from_here",
    "whats|what_is|what_are next",
    "process|timeline|timeframe|time_frame|timing|schedule|=time_line",
    "when .. you|we|they .. decide|decision|choose|hear|know|expect|hoping|hope|plan|make|be_in_touch|get_back|offers",
    "when .. i .. expect|hear|know",
    "how soon|long",
    "hear back",
]
# "my next step as an engineer", "the next step in my career".
NEXT_STEP_VETO_BEFORE = frozenset("my our his her their".split())
NEXT_STEP_VETO_AFTER = frozenset("career".split())

_CONTACT = (
    "call|email|reach|contact|follow|check|touch|write|text|phone|message|ping|ring|drop|get_in_touch|"
    "circle_back|send|shoot|give_you_a_call|reconnect"
)
FOLLOW_UP = [
    f"may|can|could|might i .. feel? free? to? .. {_CONTACT}",
    f"would|will|is|would_it_be it|that? be? okay|ok|fine|cool|all_right|appropriate|possible|acceptable|helpful "
    f"if|to .. i? .. {_CONTACT}",
    f"do|would you mind if? .. i .. {_CONTACT}",
    f"would|will you be okay|open|fine|all_right .. if|to .. i? .. {_CONTACT}",
    f"mind if i .. {_CONTACT}",
    f"when|what .. good|best|right|convenient|appropriate time|way|day .. i? .. to? .. {_CONTACT}",
    f"how .. should|can|could|do i .. best? {_CONTACT}",
    f"should|shall i .. {_CONTACT}",
    f"am i able|allowed|welcome to .. {_CONTACT}",
]
# Words that frame a requirement as the job's ("you need", "your site", "you mentioned").
NEED_FRAME = frozenset(
    "need needs needed require requires required requirement requirements looking want wants "
    "mentioned said asked expect expecting flagged emphasized hiring you your youre".split()
)

# "you can call my references", "I'll follow up with my manager": contact aimed elsewhere.
FOLLOW_UP_VETO_OBJECTS = frozenset("references reference manager recruiter them him her".split())

CONCERNS = [
    "gap|gaps",
    "concern|concerns|concerned|worry|worries|worried|worrying",
    "reservation|reservations",
    "=doubt|=doubts|=doubting|=doubtful",
    "hesitant|hesitation|hesitations|hesitate|hesitating|hesitancy",
    "gives|give you pause",
    "=unsure|uncertain|=not_sure|=not_certain",
    "on_the_fence",
    "holding|hold|holds .. back",
    "fall|falls|falling short",
    "short of",
    "=struggle|=struggling",
    "dealbreaker|deal_breaker|red_flag|red_flags|second_thoughts|misgivings|question_marks",
    "weakness|weaknesses|weak_spot|weak_spots|=lacking|=missing|=holes|=hole|=shortcomings",
    "=not_enough|=not_strong_enough|=not_qualified|=insufficient|=underqualified",
    "see|spot|notice any|anything .. in|about|with my|me",
    # The shape of the probe even when its key word is misheard ("any other concerts you have about my background").
    "any|anything .. you .. about|regarding my|me",
    "=problem|=issue|=obstacle",
    "anything|something .. i .. can|could|should .. address|clarify|clear_up|explain|speak_to|expand_on",
    "questions|question .. about|regarding|on my|me",
]
# "a gap year", "a gap in the product": a gap in something other than the candidate.
GAP_VETO_AFTER = ("year", "years", "in the", "in your", "in our", "in their")

INTEREST = [
    "i|im|id|ive .. =want|=wanted|=wanting|=love|=need .. this|that|the job|role|position|opportunity|offer",
    "i|id .. =love|=like for it to be here|with_you|this",
    "this|that|the job|role|position|opportunity .. i .. =want|=love",
    "i|im|id .. =love|=like|=want|=hoping|=hope to .. join|be_part|be_on|work_here|be_here|work_with|work_for|"
    "come_aboard|get_started",
    "=excited|=enthusiastic|=thrilled|=eager|=keen|=pumped|=passionate|=stoked .. about|for|to|by|on|in .. this|the|it|role|"
    "job|position|opportunity|join|work|start|get|team|chance",
    "=interested in .. this|the .. job|role|position|opportunity",
    "=very|=really|=truly|=genuinely|=definitely|=still =interested",
    "great|strong|good|perfect|terrific|excellent|natural|ideal|real|fantastic|right|solid|wonderful "
    "=fit|=match|=fits|=matches",
    "job|role|position|it .. =fits|=suits me|my",
    "=happy|=glad|=delighted|=proud|=honored|=thrilled to .. join|have|be|work|start",
]
DENIALS = frozenset("dont no not never cant".split())
NEGATIONS = frozenset("not dont didnt wouldnt never no isnt arent doesnt cant".split())
