"""The tables JourneyTalks is written from (scripts/make_journeytalks.py fills the
templates with the facts): the milestones, their people, names for greetings, the
conversational intents, and the question and answer templates of every kind.
Every sentence here was written for this project."""

from __future__ import annotations

# The six milestones: what the questions are about.
MILESTONES = {
    "perceptron": dict(
        name="the perceptron",
        title="The perceptron",
        year="1957",
        number="1",
        who="Frank Rosenblatt",
        idea="Weights learned from examples.",
    ),
    "xor": dict(
        name="the XOR crisis",
        title="The XOR crisis",
        year="1969",
        number="2",
        who="Marvin Minsky and Seymour Papert",
        idea="One layer cannot learn XOR.",
    ),
    "mlp": dict(
        name="the MLP revival",
        title="The MLP revival",
        year="1986",
        number="3",
        who="Rumelhart, Hinton and Williams",
        idea="Backprop trains hidden layers.",
    ),
    "lenet": dict(
        name="LeNet",
        title="LeNet",
        year="1998",
        number="4",
        who="Yann LeCun",
        idea="Filters shared across an image.",
    ),
    "transformer": dict(
        name="the Transformer",
        title="The Transformer",
        year="2017",
        number="5",
        who="Vaswani and colleagues",
        idea="Attention between all positions.",
    ),
    "olympics": dict(
        name="the Torch Olympics",
        title="The Torch Olympics",
        year="2018",
        number="6",
        who="the MLPerf founders",
        idea="Judge speed, size and accuracy.",
    ),
}
ORDER = list(MILESTONES)

# Some of the people behind them: (name, milestone, where they worked then).
PEOPLE = [
    ("Frank Rosenblatt", "perceptron", "Cornell"),
    ("Marvin Minsky", "xor", "MIT"),
    ("Seymour Papert", "xor", "MIT"),
    ("David Rumelhart", "mlp", "UC San Diego"),
    ("Geoffrey Hinton", "mlp", "Carnegie Mellon"),
    ("Ronald Williams", "mlp", "UC San Diego"),
    ("Yann LeCun", "lenet", "AT&T Labs"),
    ("Leon Bottou", "lenet", "AT&T Labs"),
    ("Yoshua Bengio", "lenet", "Montreal"),
    ("Ashish Vaswani", "transformer", "Google"),
    ("Noam Shazeer", "transformer", "Google"),
    ("Niki Parmar", "transformer", "Google"),
    ("Peter Mattson", "olympics", "Google"),
    ("Vijay Janapa Reddi", "olympics", "Harvard"),
]

# First names for greetings: the answer repeats the name, which attention can copy.
# Many names, so that copying pays more than remembering each; a third of them are
# held out with one greeting each.
NAMES = [
    "Ada", "Alan", "Amara", "Bea", "Carlos", "Chen", "Dara", "Elif", "Emil", "Farah",
    "Grace", "Hugo", "Ines", "Ivan", "Jomo", "Kai", "Lena", "Leo", "Mara", "Mei",
    "Nia", "Noor", "Omar", "Pia", "Ravi", "Rosa", "Sven", "Tara", "Uma", "Yuki",
    "Aziz", "Bruno", "Cleo", "Dev", "Esme", "Femi", "Gil", "Hana", "Ilse", "Joao",
    "Kemal", "Lior", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rania", "Sami",
    "Tomas", "Ulla", "Vera", "Wanda", "Xena", "Yara", "Zane", "Abel", "Bianca",
    "Cyrus", "Dina",
]  # fmt: skip
NAMES_HELD_OUT = 3  # every third name has one greeting in the test split

# Conversation without a fact to fill in: each intent's paraphrases, one answer.
INTENTS = {
    "thanks": (
        ["Thank you!", "Thanks a lot!", "Many thanks.", "Thanks for the help!"],
        "You are welcome.",
    ),
    "bye": (
        ["Goodbye!", "Bye for now.", "See you later!", "I have to go now."],
        "Goodbye, happy learning!",
    ),
    "identity": (
        [
            "What are you?",
            "Who are you?",
            "Are you a person?",
            "What kind of program are you?",
        ],
        "A tiny GPT trained here.",
    ),
    "help": (
        [
            "What can you do?",
            "How can you help me?",
            "What do you know?",
            "What can I ask you?",
        ],
        "Ask me about six milestones.",
    ),
    "mood": (
        ["How are you?", "How are you today?", "Are you well?", "How is it going?"],
        "Very well, thank you.",
    ),
    "site": (
        [
            "What is this site?",
            "What is this book about?",
            "What does this site teach?",
            "What is the journey?",
        ],
        "Six milestones, rebuilt in tinytorch.",
    ),
}

GREETINGS = [
    "Hi, I am {name}.",
    "Hello! My name is {name}.",
    "Hey there, I am {name}.",
    "Good morning, I am {name}.",
]
GREETING_ANSWER = "Hello, {name}!"

# Level 2: one fact about a milestone, asked several ways; every wording of an
# attribute shares its cue word (year, who, idea, number), and every question
# names its subject last.
ATTRIBUTES = {
    "year": [
        "In what year was {name}?",
        "What year is {name} from?",
        "Which year belongs to {name}?",
        "Tell me the year of {name}.",
        "Give me the year of {name}.",
        "What year gave us {name}?",
    ],
    "who": [
        "Who was behind {name}?",
        "Who is known for {name}?",
        "Who gave us {name}?",
        "Who made {name}?",
        "Who do we thank for {name}?",
        "Who brought us {name}?",
    ],
    "idea": [
        "What was the idea of {name}?",
        "What idea did {name} bring?",
        "Which idea made {name}?",
        "Tell me the idea of {name}.",
        "Which idea came with {name}?",
        "What is the key idea of {name}?",
    ],
    "number": [
        "Which milestone number is {name}?",
        "What number is {name}?",
        "Tell me the number of {name}.",
        "Which number has {name}?",
        "Give me the number of {name}.",
        "Which number goes with {name}?",
    ],
}
ANSWERS = {
    "year": "{year}.",
    "who": "{who}.",
    "idea": "{idea}",
    "number": "Milestone {number}.",
}

# Level 2 too: one fact about a person.
PERSON_FACTS = {
    "year": [
        "In what year did {person} make history?",
        "What year is {person} remembered for?",
        "Which year goes with {person}?",
        "Give me the year of {person}.",
    ],
    "place": [
        "Where did {person} work then?",
        "Where was {person} at the time?",
        "At which place was {person}?",
        "Where did we find {person}?",
    ],
}
PERSON_ANSWERS = {"year": "{year}.", "place": "{place}."}

# Level 3: the other way round, from a year, a person or a number to the milestone.
LOOKUPS = {
    "year": [
        "What happened in {year}?",
        "Which milestone is from {year}?",
        "What came in {year}?",
        "Name the milestone of {year}.",
        "Which milestone came in {year}?",
        "What milestone did {year} bring?",
    ],
    "number": [
        "What is milestone {number}?",
        "Tell me milestone {number}.",
        "Which one is milestone {number}?",
        "Name milestone {number}.",
        "What do you call milestone {number}?",
        "What do we call milestone {number}?",
    ],
    "person": [
        "Which milestone is {person} part of?",
        "What is {person} known for?",
        "What did {person} help build?",
        "Which milestone goes with {person}?",
    ],
}

# Level 4: two milestones at once.
COMPARE = [
    "Which came first, {a} or {b}?",
    "What is older, {a} or {b}?",
    "Which is earlier, {a} or {b}?",
    "Which is first, {a} or {b}?",
]
NEIGHBOURS = {
    "next": [
        "What came after {name}?",
        "What followed {name}?",
        "Which milestone comes after {name}?",
        "What was next after {name}?",
    ],
    "previous": [
        "What came before {name}?",
        "What preceded {name}?",
        "Which milestone comes before {name}?",
        "What was just before {name}?",
    ],
}

# Level 5: two hops (year -> milestone -> fact), and follow-ups that need the turn
# before them.
HOPS = {
    "who": [
        "Who was behind the milestone of {year}?",
        "Who made the milestone of {year}?",
        "Who gave us the step of {year}?",
        "Who brought the milestone of {year}?",
    ],
    "idea": [
        "What idea came in {year}?",
        "What was the idea of {year}?",
        "Which idea did {year} bring?",
        "Which idea came in {year}?",
    ],
    "number": [
        "Which milestone number is from {year}?",
        "What number has the milestone of {year}?",
        "Tell me the number of {year}.",
        "Which number goes with {year}?",
    ],
}
OPENERS = ["Tell me about {name}.", "What about {name}?", "Let us talk about {name}."]
OPENER_ANSWER = "{title}, {year}."
FOLLOW_UPS = {
    "who": [
        "Who was behind it?",
        "And who made it?",
        "Who do we thank for it?",
        "Who gave it to us?",
    ],
    "idea": [
        "What was its idea?",
        "And its key idea?",
        "Which idea did it bring?",
        "Tell me its idea.",
    ],
    "number": [
        "Which number is it?",
        "And its number?",
        "What number does it have?",
        "Tell me its number.",
    ],
}
