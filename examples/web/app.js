// Lists the greetings from the API and adds new ones. The page and the API share an origin:
// `portier serve --proxy /api=$API_URL` forwards /api/* to the api service.
const list = document.querySelector('#greetings');
const status = document.querySelector('#status');
const form = document.querySelector('#add');
const input = document.querySelector('#text');
const errorBox = document.querySelector('#error');

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The JSON of a response, or an Error carrying the API's `error` message. */
async function readResponse(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = message === '';
}

function render(greetings) {
  list.replaceChildren(
    ...greetings.map((greeting) => {
      const item = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = greeting.text; // textContent: user input is never parsed as HTML
      const time = document.createElement('time');
      time.dateTime = greeting.createdAt;
      time.textContent = timeFormat.format(new Date(greeting.createdAt));
      item.append(text, time);
      return item;
    }),
  );
  status.textContent = greetings.length === 0 ? 'No greetings yet: add the first one.' : '';
  status.hidden = greetings.length > 0;
}

async function load() {
  try {
    render(await readResponse(await fetch('/api/greetings')));
  } catch (error) {
    status.hidden = false;
    status.textContent = `Could not load the greetings: ${error.message}`;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('');
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    await readResponse(
      await fetch('/api/greetings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: input.value }),
      }),
    );
    input.value = '';
    await load();
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
    input.focus();
  }
});

load();
